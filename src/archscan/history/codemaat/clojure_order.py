"""The iteration order of Clojure maps, so that code-maat's tie-breaks can be reproduced.

code-maat groups rows with ``group-by`` and counts with ``frequencies``; both build a
Clojure map. A map of up to 8 keys is an array map (insertion order); a bigger one is a
hash map, iterated in the order of its hash trie: by the key's 32-bit ``hasheq``, five
bits at a time from the lowest. Where code-maat picks "the first" or "the last" of equal
values (main developer ties), or sorts stably, that order decides the output. Keys here
are what code-maat uses: strings, ``{:keyword "string"}`` maps and vectors of strings.
Sources: clojure.lang.Murmur3, Util.hasheq, Keyword, APersistentMap/Vector (Clojure 1.8+).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

_MASK = 0xFFFFFFFF
_C1 = 0xCC9E2D51
_C2 = 0x1B873593
ARRAY_MAP_LIMIT = 8  # a transient array map becomes a hash map at the 9th key

T = TypeVar("T")


def _rotl(value: int, bits: int) -> int:
    return ((value << bits) | (value >> (32 - bits))) & _MASK


def _mix_k1(k1: int) -> int:
    return (_rotl((k1 * _C1) & _MASK, 15) * _C2) & _MASK


def _mix_h1(h1: int, k1: int) -> int:
    return (_rotl(h1 ^ k1, 13) * 5 + 0xE6546B64) & _MASK


def _fmix(h1: int, length: int) -> int:
    h1 ^= length & _MASK
    h1 ^= h1 >> 16
    h1 = (h1 * 0x85EBCA6B) & _MASK
    h1 ^= h1 >> 13
    h1 = (h1 * 0xC2B2AE35) & _MASK
    return h1 ^ (h1 >> 16)


def _units(text: str) -> list[int]:
    """UTF-16 code units, as a Java String holds them."""
    data = text.encode("utf-16-be", "surrogatepass")
    return [(data[i] << 8) | data[i + 1] for i in range(0, len(data), 2)]


def _hash_int(value: int) -> int:
    if value == 0:
        return 0
    return _fmix(_mix_h1(0, _mix_k1(value & _MASK)), 4)


def _hash_unencoded_chars(text: str) -> int:
    units = _units(text)
    h1 = 0
    for i in range(1, len(units), 2):
        h1 = _mix_h1(h1, _mix_k1(units[i - 1] | (units[i] << 16)))
    if len(units) % 2:
        h1 ^= _mix_k1(units[-1])
    return _fmix(h1, 2 * len(units))


def mix_coll_hash(value: int, count: int) -> int:
    return _fmix(_mix_h1(0, _mix_k1(value & _MASK)), count)


@lru_cache(maxsize=1 << 16)
def string_hasheq(text: str) -> int:
    """Clojure's hasheq of a java.lang.String: Murmur3.hashInt(String.hashCode())."""
    java_hash = 0
    for unit in _units(text):
        java_hash = (java_hash * 31 + unit) & _MASK
    return _hash_int(java_hash)


@lru_cache(maxsize=64)
def keyword_hasheq(name: str) -> int:
    """hasheq of an unqualified keyword ``:name``."""
    seed = _hash_unencoded_chars(name)
    signed = seed - (1 << 32) if seed & 0x80000000 else seed
    combined = seed ^ ((0x9E3779B9 + ((signed << 6) & _MASK) + ((signed >> 2) & _MASK)) & _MASK)
    return (combined + 0x9E3779B9) & _MASK


def vector_hasheq(hashes: Sequence[int]) -> int:
    """hasheq of a vector whose elements have the given hasheqs."""
    value = 1
    for item in hashes:
        value = (31 * value + item) & _MASK
    return mix_coll_hash(value, len(hashes))


def submap_hasheq(keyword: str, value: str) -> int:
    """hasheq of the one-entry map ``{:keyword "value"}`` (incanter's group key)."""
    entry = vector_hasheq((keyword_hasheq(keyword), string_hasheq(value)))
    return mix_coll_hash(entry, 1)


def pair_hasheq(first: str, second: str) -> int:
    return vector_hasheq((string_hasheq(first), string_hasheq(second)))


def _trie_key(hasheq: int) -> tuple[int, ...]:
    return tuple((hasheq >> shift) & 0x1F for shift in range(0, 35, 5))


def map_order(keys: Iterable[T], hasheq: Callable[[T], int]) -> list[T]:
    """Distinct keys in the order a Clojure map built by inserting them iterates."""
    ordered = list(dict.fromkeys(keys))
    if len(ordered) <= ARRAY_MAP_LIMIT:
        return ordered
    # sorted() is stable: keys with equal hashes keep insertion order (collision node).
    return sorted(ordered, key=lambda key: _trie_key(hasheq(key)))


def java_sort_key(text: str) -> bytes:
    """Order strings as Java's String.compareTo does (UTF-16 code units)."""
    return text.encode("utf-16-be", "surrogatepass")
