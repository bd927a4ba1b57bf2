// The .dlps assembly grammar (ohm). Kept as a TypeScript string rather than a .ohm file so
// the assembler loads it without a file system (the browser playground bundles it).
export const ASM_GRAMMAR = String.raw`// dlpkit assembly (.dlps). Grammar only: the meaning lives in asm-semantics.ts (to an AST)
// and assemble.ts (AST to a checked Program). One statement per line; newlines are
// significant, so 'space' below skips blanks and comments but never a line break.
DlpAsm {
  Program = Line (nl Line)*

  Line = Statement?

  Statement
    = Directive
    | Instruction

  Directive
    = LayerDir
    | ConstDir
    | RegionDir
    | UnknownDir

  // Any other directive parses, so assemble.ts can name it and list the known ones.
  UnknownDir = "." ~knownDir unknownDirBody

  knownDir = ("layer" | "const" | "region") ~(alnum | "_")

  unknownDirBody = ident (~nl any)*

  LayerDir = ".layer" Expr layerName

  ConstDir = ".const" symbolName "=" Expr

  RegionDir = ".region" symbolName dtypeName Shape Placement? RegionScale? RegionInit?

  Shape
    = "[" Exprs "]"

  Placement = "@" Expr

  RegionScale = "scale" "=" Expr

  RegionInit = "=" InitSpec

  InitSpec
    = "data" "(" Exprs? ")"        -- data
    | "random" "(" NamedArgs? ")"  -- random
    | "zero"                                 -- zero

  // Lists are spelled out (not ListOf): ListOf's empty alternative hides the failure of
  // its first element, and "Expected an operand" is the message users need.
  NamedArgs = NamedArg ("," NamedArg)*

  NamedArg
    = argName "=" Expr

  Instruction = mnemonic Operands?

  Operands = Operand ("," Operand)*

  Operand
    = operandName "=" OperandValue

  OperandValue
    = Address
    | Expr

  Address
    = ident "[" Expr "]"

  Exprs = Expr ("," Expr)*

  Expr
    = AddExpr

  AddExpr
    = AddExpr "+" MulExpr  -- plus
    | AddExpr "-" MulExpr  -- minus
    | MulExpr

  MulExpr
    = MulExpr "*" UnaryExpr  -- times
    | UnaryExpr

  UnaryExpr
    = "-" UnaryExpr  -- neg
    | "+" UnaryExpr  -- pos
    | PrimaryExpr

  PrimaryExpr
    = "(" Expr ")"  -- paren
    | number
    | ident

  mnemonic (an instruction mnemonic)
    = letter alnum*

  operandName (an operand)
    = ident

  argName (an argument name)
    = ident

  symbolName (a name)
    = ident

  dtypeName (an element type)
    = ident

  ident (an identifier)
    = (letter | "_") (alnum | "_")*

  number (a number)
    = hexNumber
    | decNumber

  hexNumber = "0" ("x" | "X") hexDigit+

  decNumber = digit+ ("." digit+)? exponent?

  exponent = ("e" | "E") ("+" | "-")? digit+

  layerName (a layer name)
    = string
    | bareName

  bareName = (alnum | "_" | "-" | "." | "/")+

  string (a quoted string)
    = "\"" strChar* "\""

  strChar
    = "\\" ~nl any  -- escape
    | ~("\"" | "\\" | nl) any  -- plain

  nl (end of line)
    = "\r\n" | "\n" | "\r"

  comment = (";" | "#") (~nl any)*

  space := " " | "\t" | "\u000B" | "\u000C" | comment
}
`;
