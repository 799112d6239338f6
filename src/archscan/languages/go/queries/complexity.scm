; Decision points, as lizard counts them for Go: if, for, each case clause, && and ||.
[
  (if_statement)
  (for_statement)
  (expression_case)
  (type_case)
  (communication_case)
] @decision
(binary_expression operator: ["&&" "||"] @decision)
