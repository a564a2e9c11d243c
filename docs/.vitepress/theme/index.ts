import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import LiveDemo from './LiveDemo.vue';

/** The default theme, plus `<LiveDemo name="…" />`: a demo that runs Nabla's packages in the page. */
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LiveDemo', LiveDemo);
  },
} satisfies Theme;
