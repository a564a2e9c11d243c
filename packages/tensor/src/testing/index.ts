/** @nabla/tensor/testing — helpers shared by the packages' tests (not part of the library API). */
export { chooseSeed, propertyParameters, propertySeed } from './property-seed.js';
