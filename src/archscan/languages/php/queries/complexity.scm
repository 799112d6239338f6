; Decision points, as lizard counts them for PHP: if/elseif, loops, catch, each case,
; match (once), the ternary and the short-circuit operators && and ||.
[
  (if_statement)
  (else_if_clause)
  (for_statement)
  (foreach_statement)
  (while_statement)
  (do_statement)
  (catch_clause)
  (case_statement)
  (match_expression)
] @decision
(conditional_expression body: (_)) @decision
(binary_expression operator: ["&&" "||"] @decision)
