export declare const SERVER_OUT: string;
export declare const SERVER_MAIN: string;
/** Node flags the server runs with (`npm start`, the bin's shebang, the benchmarks). */
export declare const SERVER_NODE_FLAGS: readonly string[];
/** Whether dist/server exists and no server or shared source changed after it was built. */
export declare const serverBuildIsFresh: () => boolean;
/** Bundles src/server into dist/server (with the parse worker and the migrations). */
export declare const buildServer: () => Promise<void>;
