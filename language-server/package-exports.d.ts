// The vscode-languageserver 10 packages publish their entry points only through package.json
// "exports", which the project's `moduleResolution: "node"` does not read (esbuild does). These
// ambient modules point TypeScript at the same files, so the types are real rather than `any`.
// Delete this file once tsconfig uses `moduleResolution: "bundler"` (with `module: "preserve"`).
declare module 'vscode-languageserver' {
  export * from 'vscode-languageserver/lib/common/api';
}
declare module 'vscode-languageserver/node' {
  export * from 'vscode-languageserver/lib/node/main';
}
declare module 'vscode-languageserver-protocol' {
  export * from 'vscode-languageserver-protocol/lib/common/api';
}
declare module 'vscode-languageserver-protocol/node' {
  export * from 'vscode-languageserver-protocol/lib/node/main';
}
declare module 'vscode-jsonrpc' {
  export * from 'vscode-jsonrpc/lib/common/api';
}
declare module 'vscode-jsonrpc/node' {
  export * from 'vscode-jsonrpc/lib/node/main';
}
