;; Entry point of the oracle harness: code-maat's own cmd-line, with one fix for
;; running on Clojure 1.11. code-maat's `as-entry-tokens` transducer completes with
;; a step call instead of a completion call; Clojure 1.8's `into` called
;; `persistent!` itself and hid that, 1.11's `into` does it in the completion arity.
;; The replacement below is the same transducer, completed properly.
(ns oracle.main
  (:require [code-maat.cmd-line]
            [code-maat.parsers.hiccup-based-parser :as hbp]
            [clojure.string :as s]))

(defn- entry-tokens []
  (fn [rf]
    (let [acc (volatile! [])]
      (fn
        ([] (rf))
        ([result]
         (if-let [remaining (seq @acc)]
           (rf (rf result remaining))
           (rf result)))
        ([result input]
         (if (s/blank? input)
           (let [remaining @acc]
             (vreset! acc [])
             (rf result remaining))
           (do (vswap! acc conj input) result)))))))

(alter-var-root #'hbp/as-entry-tokens (constantly entry-tokens))

(defn -main [& args]
  (apply code-maat.cmd-line/-main args))
