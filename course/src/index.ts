export { type DemoOutput, GENERATED_DIR, vegaLiteToSvg, writeDemoOutput } from './output.js';
