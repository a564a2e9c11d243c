// What Vite provides to the theme's modules (the site's bundler), for the type check.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
declare module '*.css' {}
