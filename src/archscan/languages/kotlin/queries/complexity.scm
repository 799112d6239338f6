; Decision points, as lizard counts them for Kotlin: if, loops, catch, `&&`, `||`,
; the elvis operator `?:`, and each `when` branch but the first (the plugin weighs a
; `when_expression` -1, so `when` with n branches adds n - 1).
[
  (if_expression)
  (for_statement)
  (while_statement)
  (do_while_statement)
  (catch_block)
  (when_entry)
  (when_expression)
] @decision
(binary_expression operator: ["&&" "||" "?:"] @decision)
