import { defineConfig } from 'vitepress';

export default defineConfig({
  title: 'Nabla',
  description:
    'A deep-learning library written from scratch in TypeScript, read beside a neural-networks course.',
  cleanUrls: false,
  srcExclude: ['api/**', 'generated/**', 'README.md'],
  themeConfig: {
    nav: [{ text: 'Course', link: '/course' }],
  },
});
