// The .mlp model-language grammar (ohm). Kept as a TypeScript string rather than a .ohm file
// so the front end loads it without a file system (the browser playground bundles it).
export const MLP_GRAMMAR = String.raw`// The dlpkit model language (.mlp): one model, a chain of dense layers. See docs/models.md.
// Activation names are read as words and checked in mlp.ts, so a misspelt one gets a message
// listing the valid names rather than a bare "Expected".
Mlp {
  Model = kw<"model"> ident "{" Decl* "}"

  Decl = Input | Dense | Softmax

  Input = kw<"input"> int

  Dense = kw<"dense"> LayerName? int Activation?

  LayerName = ident ":"

  Activation = word ActivationArg?

  ActivationArg = "(" number ")"

  Softmax = kw<"softmax">

  // A keyword is a whole word: 'densely' is not 'dense' followed by 'ly'.
  kw<name> = name endOfWord
  endOfWord (the end of a word) = ~wordChar
  keyword = kw<"model"> | kw<"input"> | kw<"dense"> | kw<"softmax">

  ident (an identifier) = ~keyword letter wordChar*
  word (an activation) = ~keyword letter wordChar*
  wordChar = alnum | "_"

  int (an integer) = digit+
  number (a number) = "-"? digit+ ("." digit+)? (("e" | "E") ("+" | "-")? digit+)?

  comment = "#" (~"\n" any)*
  // Only real blanks separate tokens: ohm's default space is every code point up to " ",
  // which would make NUL and other control characters whitespace.
  space := " " | "\t" | "\n" | "\r" | comment
}
`;
