import DefaultTheme from 'vitepress/theme';
import { type Theme, useRoute } from 'vitepress';
import { nextTick, onMounted, watch } from 'vue';
import LiveDemo from './LiveDemo.vue';
import { highlightSourceLines } from './source-lines.js';
import './style.css';

/**
 * The default theme, plus `<LiveDemo name="…" />`: a demo that runs Nabla's packages in the page;
 * and on source pages, the #La-Lb line range highlighted.
 */
export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LiveDemo', LiveDemo);
  },
  setup() {
    const route = useRoute();
    onMounted(() => {
      highlightSourceLines();
      window.addEventListener('hashchange', () => highlightSourceLines());
    });
    watch(
      () => route.path,
      async () => {
        await nextTick();
        highlightSourceLines();
      },
    );
  },
} satisfies Theme;
