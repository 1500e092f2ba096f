/** Vite's `import.meta.glob` (vitest runs on vite), typed for the eager form the tests use. */
interface ImportMeta {
  glob<T>(pattern: string, options: { eager: true }): Record<string, T>;
}
