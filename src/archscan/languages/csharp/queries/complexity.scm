; Decision points, as lizard counts them for C#: if, for, while, do-while, catch, `case`
; labels, the conditional `?:`, null-conditional `?.`, `??`, `??=` and the
; short-circuit operators. `foreach` is not counted, as in lizard (which only knows the
; token `for`): counting it would be defensible, but it drops the agreement with lizard
; below 95% of functions (docs/languages-jvm-dotnet.md has the figures).
[
  (if_statement)
  (for_statement)
  (while_statement)
  (do_statement)
  (catch_clause)
  (conditional_expression)
  (conditional_access_expression)
] @decision
(binary_expression operator: ["&&" "||" "??"] @decision)
(assignment_expression operator: "??=" @decision)
(switch_section "case" @decision)
