; Decision points, as lizard counts them for Java: if, loops (do-while by its `while`),
; catch, `case` labels, the ternary and the short-circuit operators.
[
  (if_statement)
  (for_statement)
  (enhanced_for_statement)
  (while_statement)
  (do_statement)
  (catch_clause)
  (ternary_expression)
] @decision
(binary_expression operator: ["&&" "||"] @decision)
(switch_label "case" @decision)
