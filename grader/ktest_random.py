"""The kernel tests' random generator (ktest_random in kernel/boot/ktest.c),
in Python, so that a test can predict what a kernel test computes from the
seed it was booted with."""

MASK32 = 0xFFFFFFFF
ZERO_STATE = 0x9E3779B9


def xorshift32(state):
    """One step: returns (value, new_state), as ktest_random does."""
    x = state or ZERO_STATE
    x ^= (x << 13) & MASK32
    x ^= x >> 17
    x ^= (x << 5) & MASK32
    return x, x


def sequence(seed, count):
    """The first `count` values ktest_random gives from `seed`."""
    values, state = [], seed
    for _ in range(count):
        value, state = xorshift32(state)
        values.append(value)
    return values


def to_int32(value):
    """A uint32 read as the C int it becomes."""
    return value - (1 << 32) if value & 0x80000000 else value


def c_div(a, b):
    """C's integer division, which truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def c_mod(a, b):
    """C's remainder: the sign follows the dividend."""
    return a - c_div(a, b) * b
