; Decision points, as lizard counts them for JavaScript/TypeScript: if (else if is one),
; for (all kinds), while (do-while too), catch, case (not default), ?: and && || ??,
; and each default value in a binding (`a = 1` in parameters and destructuring), which
; lizard counts as the hidden `=== undefined` test it is.
[
  (assignment_pattern)
  (object_assignment_pattern)
  (if_statement)
  (for_statement)
  (for_in_statement)
  (while_statement)
  (do_statement)
  (catch_clause)
  (switch_case)
  (ternary_expression)
] @decision
(binary_expression operator: ["&&" "||" "??"] @decision)
