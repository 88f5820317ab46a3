// The engine's internals, for tools built on adiff (`import … from 'adiff-cli/internals'`): the parser, the graph,
// the sweeps, the derivative graphs and the kernel compilers. Unlike the main entry (index.ts), these functions do
// not check their arguments: they expect the values the pipeline itself produces.
export { parse, MAX_NESTING, type ParseOptions } from './parser/parse.js';
export type { Program, Statement as AstStatement, Expr, BinaryOp } from './parser/ast.js';
export { printProgram, printExpr, printStatement } from './parser/print.js';
export { lower, FUNCTIONS, CONSTANTS, type Lowered, type Statement } from './autodiff/lower.js';
export { GraphBuilder, reaching, dependsOnInput, type Graph, type GraphNode, type NodeId } from './autodiff/graph.js';
export { PRIMITIVES, PRIMS, makeOps, numberOps, type Ops, type PrimName, type Primitive } from './autodiff/primitives.js';
export { evaluate, linearize } from './autodiff/evaluate.js';
export { forwardSweep, unitDirection } from './autodiff/forward.js';
export { reverseSweep } from './autodiff/reverse.js';
export { gradientAt, inputVector, type Mode, type PointResult } from './autodiff/gradient.js';
export { traceRows, wengertLabels, type TraceRow } from './autodiff/trace.js';
export { diagnosePoint, precisionWarning } from './autodiff/diagnose.js';
export { derivativeGraph, derivativesGraph, derivativeSet, higherDerivativeGraph, type DerivativeGraph } from './autodiff/derivative.js';
export { printGraph, latexName, type PrintedOutput, type SymbolicFormat } from './autodiff/symbolic.js';
export { taylorCoefficients, taylorSeries, derivativesAlong, derivativesWithBounds, type TaylorSeries } from './autodiff/taylor.js';
export { jacobianAt, jvpAt, vjpAt, chooseMode, type JacobianResult } from './autodiff/jacobian.js';
export { hessianAt, hvpAt, secondOrderTrace, type SecondOrder, type SecondOrderRow } from './autodiff/hessian.js';
export { AdiffError, lineColumn, type Diagnostic, type Source, type Span } from './diagnostics.js';
export { compile, type CompiledFormula, type CompileOptions, type JacobianModeOption, type Point, type Columns } from './api/compile.js';
export { compileKernels, type Kernels } from './autodiff/compile.js';
export { compileHvp, type HvpKernel } from './autodiff/compile-hvp.js';
export {
  compileJacobian,
  compileJvp,
  compileVjp,
  type CompiledJacobian,
  type JacobianKernel,
  type JacobianOptions,
  type JvpKernel,
  type KernelInfo,
  type ProductOptions,
  type VjpKernel,
} from './autodiff/compile-products.js';
export { printDerivative, printSimplified, withNotes, type PrintedDerivative, type SimplifiedPrint } from './autodiff/print-simplified.js';
