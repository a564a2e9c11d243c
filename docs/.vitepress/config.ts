import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type DefaultTheme } from 'vitepress';
import { sourcePlugin } from './markdown-source.js';

/** The course walk, in the course's order (docs/course/<page>.md). */
export const coursePages: [page: string, title: string][] = [
  ['index', 'Overview'],
  ['why-learning', 'Why machine learning'],
  ['formalization', 'Formalization'],
  ['neuron', 'The neuron'],
  ['loss-and-descent', 'Loss and gradient descent'],
  ['linear-classifier', 'One layer is linear'],
  ['backpropagation', 'Backpropagation'],
  ['cross-entropy', 'Softmax and cross-entropy'],
  ['mini-batches', 'Mini-batches'],
  ['convolution', 'Convolution'],
  ['pooling-and-normalization', 'Pooling and normalization'],
  ['lenet', 'LeNet'],
  ['gpu', 'The GPU'],
  ['packages', 'Deep-learning packages'],
  ['alexnet', 'ImageNet and AlexNet'],
  ['credit', 'Credit approval'],
];

/** The guides (docs/<page>.md). */
export const guidePages: [page: string, title: string][] = [
  ['demos', 'Live demos'],
  ['architecture', 'Architecture'],
  ['browser', 'In the browser'],
  ['matlab', 'Matlab correspondence'],
  ['pytorch', 'PyTorch interop'],
  ['pretrained', 'Pretrained networks'],
  ['finetuning', 'Finetuning'],
  ['visualization', 'Visualization'],
  ['limits', 'Limits'],
];

/** Folders of docs/ whose data files (not their Markdown fragments) the built site serves as they are. */
export const dataFolders = ['generated', 'results'];

const sidebar: DefaultTheme.SidebarItem[] = [
  { text: 'The course', items: coursePages.map(([page, text]) => ({ text, link: `/course/${page}` })) },
  { text: 'Guides', items: guidePages.map(([page, text]) => ({ text, link: `/${page}` })) },
  {
    text: 'Reference',
    items: [
      { text: 'Results', link: '/results' },
      { text: 'Packages', link: '/api-index' },
      // TypeDoc's output (docs/public/api, built by `pnpm run docs`): a plain page, not a VitePress route.
      { text: 'API reference', link: '/api/index.html', target: '_self' },
    ],
  },
];

export default defineConfig({
  title: 'Nabla',
  description:
    'A deep-learning library written from scratch in TypeScript, read beside a neural-networks course.',
  cleanUrls: false,
  // generated/ holds the demos' fragments that pages include;
  // public/api is TypeDoc's output.
  srcExclude: ['api/**', 'public/**', 'generated/**', 'README.md'],
  markdown: {
    config(md) {
      sourcePlugin(md);
    },
  },
  // Pages link the data behind their figures (docs/generated/<stem>.json, docs/results/*.json):
  // served as they are (the dev server serves them from docs/ already).
  buildEnd(site) {
    for (const dir of dataFolders) {
      const from = join(site.srcDir, dir);
      if (existsSync(from))
        cpSync(from, join(site.outDir, dir), { recursive: true, filter: (file) => !file.endsWith('.md') });
    }
  },
  themeConfig: {
    nav: [
      { text: 'Course', link: '/course/index' },
      { text: 'Guides', link: '/architecture' },
      { text: 'Results', link: '/results' },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar,
    outline: [2, 3],
    search: {
      provider: 'local',
      options: {
        // Source pages are whole files: searching them would drown the prose.
        _render(src, env, md) {
          if (env.relativePath.startsWith('source/')) return '';
          return md.render(src, env);
        },
      },
    },
  },
});
