; Everything parsing needs from a Python file, in one pass over the tree.
(import_statement) @import
(import_from_statement) @from
(class_definition) @class
(function_definition) @function
(comment) @comment
(print_statement) @python2
(exec_statement) @python2

; Decision points: each adds one path through a function (radon's rules, see docs).
[
  (if_statement)
  (elif_clause)
  (for_statement)
  (while_statement)
  (except_clause)
  (assert_statement)
  (conditional_expression)
  (boolean_operator)
  (for_in_clause)
  (if_clause)
  (case_clause)
] @decision
(for_statement alternative: (else_clause) @decision)
(while_statement alternative: (else_clause) @decision)
(try_statement (else_clause) @decision)
