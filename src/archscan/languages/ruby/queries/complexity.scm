; Decision points, as lizard counts them for Ruby: if/elsif (and modifiers), loops,
; each when, rescue and ensure, the ternary, and/or/&&/||. lizard does not count
; `unless`; archscan does (it is an if), see docs/languages-go-php-ruby.md.
[
  (if)
  (elsif)
  (if_modifier)
  (unless)
  (unless_modifier)
  (while)
  (while_modifier)
  (until)
  (until_modifier)
  (for)
  (when)
  (rescue)
  (rescue_modifier)
  (ensure)
  (conditional)
] @decision
(binary operator: ["and" "or" "&&" "||"] @decision)
