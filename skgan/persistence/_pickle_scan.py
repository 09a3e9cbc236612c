"""What a model file's pickle would build, bounded before anything is built: a scan of its opcodes.

:func:`scan` reads the pickle's bytes as ``torch.load(..., weights_only=True)``
would, opcode by opcode, but builds nothing: it keeps, per value on the
pickle's stack, only its height (0 for a value that holds no other, an
empty list, dict or tuple included; 1 + the highest of its items for a
filled one). It refuses, with :class:`~skgan.exceptions.InvalidModelFile`,

- more opcodes than :func:`opcode_budget` allows for the pickle's size, and
  never more than :data:`MAX_OPCODES` (each opcode builds or refers to at
  most one value, so this bounds the values, their memory and the time of
  torch's pure-Python unpickler): the scan stops there;
- a stack of more than :data:`MAX_STACK` values and marks (pickle writes the
  items of lists and dicts in batches of 1000: no model file comes near);
- a value higher than ``max_depth`` (a filled list, dict or tuple
  ``max_depth`` deep: what ``_format._check_values`` refuses once loaded),
  however it is built: on the stack, or through the memo (``BINGET`` of a
  value built before). A value is refused as the target of ``APPEND``,
  ``SETITEMS`` or ``BUILD`` once the memo has handed it out (pickle writes a
  value whole before it refers to it again; only values that contain
  themselves, which no model file holds, are written otherwise), so every
  height is final when it is counted;
- a ``set`` (``EMPTY_SET``), which skgan never writes.

A truncated pickle, one whose stack does not add up and an opcode that
torch's weights-only unpickler does not read are a :class:`MalformedPickle`.
The scan reads the opcodes of pickle protocol 2, which :func:`torch.save`
writes, as that unpickler does.
"""

import struct

from ..exceptions import InvalidModelFile

#: The most opcodes a model file's pickle may hold, however large it is (about 150 MB of values at most).
MAX_OPCODES = 2**21
#: The most values and marks on the pickle's stack at once.
MAX_STACK = 2**17
#: Opcodes allowed whatever the pickle's size, and then one more per this many bytes of pickle.
_BASE_OPCODES = 65536
_BYTES_PER_OPCODE = 2


class MalformedPickle(ValueError):
    """The pickle is truncated, does not add up, or holds an opcode that ``torch.load`` refuses."""


def opcode_budget(pickle_bytes):
    """The most opcodes a pickle of ``pickle_bytes`` bytes may hold."""
    return min(MAX_OPCODES, _BASE_OPCODES + pickle_bytes // _BYTES_PER_OPCODE)


# The opcodes of pickle protocol 2 that torch's weights-only unpickler reads.
_LEAVES = [-1] * 256  # opcodes that push one value holding no other: the size of their argument
for _op, _size in (("N", 0), ("\x88", 0), ("\x89", 0), ("K", 1), ("M", 2), ("J", 4), ("G", 8)):
    _LEAVES[ord(_op)] = _size
_UINT32 = struct.Struct("<I")

# A value on the stack is its cell, ``[height, referenced]``, when the stack holds the value as it was built,
# or a 1-tuple ``(cell,)`` when the memo handed it out or it cannot change (a tuple, a leaf): only the former
# may be the target of APPEND, SETITEMS or BUILD, and only while ``referenced`` is False.
_LEAF = ([0, True],)


def scan(data, max_depth):
    """Check the pickle ``data`` (bytes) without unpickling it; see the module docstring.

    Returns the number of opcodes. Raises :class:`InvalidModelFile` for a
    pickle that would build too many values, too deep or too wide a stack,
    or a set; :class:`MalformedPickle` for one that ``torch.load`` could not
    read.
    """
    budget = opcode_budget(len(data))
    stack, marks, memo = [], [], {}
    push, leaves, uint32, leaf = stack.append, _LEAVES, _UINT32.unpack_from, _LEAF
    i = 0
    try:
        for count in range(1, budget + 1):
            op = data[i]
            size = leaves[op]
            if size >= 0:
                push(leaf)
                i += 1 + size
            elif op == 0x71 or op == 0x72:  # BINPUT, LONG_BINPUT: the memo keeps the value's cell
                key, i = (data[i + 1], i + 2) if op == 0x71 else (uint32(data, i + 1)[0], i + 5)
                top = stack[-1]
                memo[key] = top if type(top) is list else top[0]
            elif op == 0x68 or op == 0x6A:  # BINGET, LONG_BINGET: the value may no longer change
                key, i = (data[i + 1], i + 2) if op == 0x68 else (uint32(data, i + 1)[0], i + 5)
                cell = memo[key]
                cell[1] = True
                push((cell,))
            elif op == 0x58:  # BINUNICODE
                i += 5 + uint32(data, i + 1)[0]
                push(leaf)
            elif op == 0x28:  # MARK
                marks.append(len(stack))
                i += 1
                if len(stack) + len(marks) > MAX_STACK:
                    raise _too_wide()
            elif op == 0x5D or op == 0x7D:  # EMPTY_LIST, EMPTY_DICT
                push([0, False])
                i += 1
                if len(stack) + len(marks) > MAX_STACK:
                    raise _too_wide()
            elif op == 0x65 or op == 0x75 or op == 0x74:  # APPENDS, SETITEMS, TUPLE: the values above the mark
                start = marks.pop()
                if op == 0x75 and (len(stack) - start) % 2:  # SETITEMS of a key without its value
                    raise IndexError
                height = max((_height(item) for item in stack[start:]), default=-1) + 1
                del stack[start:]
                i += 1
                if op == 0x74:
                    push(([height, True],))
                    if height > max_depth:
                        raise _too_deep(max_depth)
                else:
                    _need(stack, marks, 1)
                    _grow(stack[-1], height, max_depth)
            elif op == 0x61 or op == 0x73:  # APPEND, SETITEM
                n = 1 if op == 0x61 else 2
                _need(stack, marks, n + 1)
                height = max(_height(item) for item in stack[-n:]) + 1
                del stack[-n:]
                _grow(stack[-1], height, max_depth)
                i += 1
            elif 0x85 <= op <= 0x87 or op == 0x29:  # TUPLE1, TUPLE2, TUPLE3, EMPTY_TUPLE
                n = 0 if op == 0x29 else op - 0x84
                _need(stack, marks, n)
                height = max((_height(item) for item in stack[len(stack) - n:]), default=-1) + 1
                del stack[len(stack) - n:]
                push(([height, True],))
                i += 1
                if height > max_depth:
                    raise _too_deep(max_depth)
            elif op == 0x52 or op == 0x81:  # REDUCE, NEWOBJ: pop the arguments; the result may be filled
                _need(stack, marks, 2)
                stack.pop()
                stack[-1] = [0, False]
                i += 1
            elif op == 0x62:  # BUILD: pop the state; the target takes it (not a height _check_values sees)
                _need(stack, marks, 2)
                stack.pop()
                _grow(stack[-1], 0, max_depth)
                i += 1
            elif op == 0x51:  # BINPERSID: pop the storage's id, push the storage
                _need(stack, marks, 1)
                stack[-1] = leaf
                i += 1
            elif op == 0x55 or op == 0x8A:  # SHORT_BINSTRING, LONG1
                i += 2 + data[i + 1]
                push(leaf)
            elif op == 0x63:  # GLOBAL: two lines
                i = data.index(b"\n", data.index(b"\n", i + 1) + 1) + 1
                push(leaf)
            elif op == 0x80:  # PROTO
                i += 2
            elif op == 0x2E:  # STOP
                if len(stack) != 1 or marks:
                    raise IndexError
                return count
            elif op == 0x8F:  # EMPTY_SET
                raise InvalidModelFile("it holds a set, which skgan never writes")
            else:
                raise MalformedPickle(f"pickle opcode {bytes([op])!r} at byte {i}, which torch.load refuses")
    except (IndexError, KeyError, struct.error) as exc:
        raise MalformedPickle(f"its pickle is cut or does not add up at byte {i}") from exc
    except ValueError as exc:  # data.index: a GLOBAL's line does not end
        if isinstance(exc, (InvalidModelFile, MalformedPickle)):
            raise
        raise MalformedPickle(f"its pickle is cut or does not add up at byte {i}") from None
    raise InvalidModelFile(
        f"its values besides tensors take more than {budget} pickle opcodes, the most skgan reads in a pickle of "
        f"{len(data)} bytes (and {MAX_OPCODES} in any file)"
    )


def _need(stack, marks, n):
    """An IndexError unless the stack holds ``n`` values above its last mark."""
    if len(stack) - (marks[-1] if marks else 0) < n:
        raise IndexError


def _height(item):
    return item[0] if type(item) is list else item[0][0]


def _grow(target, height, max_depth):
    """Put a value of ``height`` into ``target``, the value on top of the stack."""
    if type(target) is not list or target[1]:
        raise InvalidModelFile("its pickle changes a value after referring to it (a value that contains itself)")
    if height > target[0]:
        target[0] = height
        if height > max_depth:
            raise _too_deep(max_depth)


def _too_deep(max_depth):
    return InvalidModelFile(f"its values are nested more than {max_depth} deep")


def _too_wide():
    return InvalidModelFile(f"its pickle stacks more than {MAX_STACK} values at once")
