; Decision points, as lizard counts them for C#: if, loops, catch, `case` labels, the
; conditional `?:`, null-conditional `?.`, `??`, `??=` and the short-circuit operators.
; `foreach` is a loop too (lizard misses it: it looks for the token `for`).
[
  (if_statement)
  (for_statement)
  (foreach_statement)
  (while_statement)
  (do_statement)
  (catch_clause)
  (conditional_expression)
  (conditional_access_expression)
] @decision
(binary_expression operator: ["&&" "||" "??"] @decision)
(assignment_expression operator: "??=" @decision)
(switch_section "case" @decision)
