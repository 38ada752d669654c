/** Types of initial-javascript.mjs, for the tests that import it. */
export declare function initialScriptUrls(html: string): string[];
export declare function staticImports(source: string): string[];
export declare function measureInitialJavaScript(webRoot: string): {
  files: { file: string; rawBytes: number; gzipBytes: number }[];
  totalGzipBytes: number;
};
