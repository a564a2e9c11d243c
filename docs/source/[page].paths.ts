// One page per repository file that a page of the site references (by `<!--@source:-->` or a
// `src:` link): the whole file, each line numbered and anchored (#L12), a #La-Lb range highlighted.
import { referencedFiles, sourcePageName } from '../.vitepress/regions.js';

export default {
  paths() {
    return referencedFiles().map((path) => ({
      params: { page: sourcePageName(path).slice('source/'.length), path },
      content: `# \`${path}\`\n\n<!--@source-page: ${path}-->\n`,
    }));
  },
};
