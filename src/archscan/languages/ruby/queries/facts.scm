; Everything parsing needs from a Ruby file, in one pass over the tree.
(call !receiver method: (identifier) arguments: (argument_list)) @call
(class) @class
(module) @class
(method) @function
(singleton_method) @function
; Constant references: a bare constant, or the outermost A::B::C (inner parts skipped).
(constant) @const
(scope_resolution) @scoped
(comment) @comment
