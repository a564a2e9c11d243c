// What Vite provides to the live demos' modules (the site's bundler), for the type check.
declare module '*.css' {}
interface ImportMeta {
  readonly env: { readonly BASE_URL: string };
}
