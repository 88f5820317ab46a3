// The library: compile a formula once and evaluate values and derivatives of any order at points or over batches;
// take a derivative as a formula; one error type. Everything else (parser, graph, sweeps, kernel compilers) is the
// engine's and lives behind 'adiff-cli/internals' (src/internals.ts), without this entry's argument checks.
export { compile, type CompiledFormula, type CompileOptions, type JacobianModeOption, type Point, type Columns } from './api/compile.js';
export { MAX_TAYLOR_ORDER, type SecondOrderMethods } from './api/second.js';
export { derivative, MAX_DERIVATIVE_ORDER, type Derivative, type DerivativeOptions } from './api/derivative.js';
export { AdiffError, formatDiagnostic, type Diagnostic, type DiagnosticKind, type Severity, type Source, type Span } from './diagnostics.js';
