/**
 * The CPython comparison table of the constant evaluator: one expression per line, prefixed by
 * what the evaluator must say. `V`: a value equal to CPython's. `E`: CPython raises, so the
 * evaluator says `dynamic` (it can never yield a string at run time). `U`: `unresolvable`
 * (whatever CPython does). `D`: `dynamic` because the form is not folded. `X`: CPython raises,
 * but the evaluator gives a value: the tree cannot tell two escaped surrogates from the character
 * they form, and the value is the one the other reading would have (see `values.ts`).
 */
export const TABLE = String.raw`
# constants
V 'abc'
V b'ab\xff'
V 123
V True
V 0x1F
D 1.5
D None
D x
# concatenation and integer arithmetic
V 'a' + 'b'
V 'a' + 'b' + 'c'
V 'a' + ('b' + 'c')
V b'a' + b'\xff'
V '' + ''
E 'a' + b'b'
E 'a' + 1
V 1 + 2
V True + 1
V 1 - 5
V 3 * 4
V '\ud800' + '\udc00'
D 'a' + x
D 2 ** 3
D 7 // 2
# repetition
V 'ab' * 3
V 3 * 'ab'
V 'ab' * 0
V 'ab' * -1
V b'x' * 4
V 2 * b'xy'
V 'ab' * True
V '=' * 60
V 'a' * 100000
U 'a' * 100001
V '' * 1000000000000
E '' * 100000000000000000000
E 'a' * 'b'
V 'ab' * 1 * 1
U 'a' * 50000 + 'b' * 50001
# %-format
V '%s' % 'x'
V '%s-%s' % ('a', 'b')
V '%d' % 5
V '%i' % -5
V '%5s|' % 'ab'
V '%-5s|' % 'ab'
V '%--5s|' % 'ab'
V '%.2s' % 'abc'
V '%.s|' % 'abc'
V '%5.2s|' % 'abc'
V '%05d' % -3
V '%-5d|' % 3
V '%-05d|' % 3
V '%5d' % 42
V '%d' % True
V '%s' % True
V '%s' % 5
V '%%' % ()
V '100%%' % ()
V 'abc' % ()
V '%s' % ('__glo' 'bals__',)
V '%s' % ('a' + 'b')
V '%d' % 12345678901234567890
E '%s %s' % ('a',)
E '%s' % ('a', 'b')
E 'abc' % 'x'
E '%d' % 'x'
E '%(a)s' % 'x'
E '%' % ()
E '%s' % ()
U '%r' % 'x'
U '%a' % 'x'
U '%x' % 255
U '%c' % 95
U '%s' % b'x'
U '%.3d' % 5
U '%+d' % 5
U '%5%' % ()
U '%*s' % (5, 'a')
U '%ls' % 'a'
U '%100001s' % 'a'
D '%s' % (x,)
D 5 % 3
# subscripts and slices
V 'kcab_f'[::-1]
V 'abc'[0]
V 'abc'[-1]
V 'abc'[True]
E 'abc'[3]
E 'abc'[-4]
E ''[0]
E 'abc'['a']
E 'abc'[100000000000000000000]
V 'abcdef'[1:4]
V 'abcdef'[-2:]
V 'abcdef'[:-2]
V 'abcdef'[::2]
V 'abcdef'[::-2]
V 'abcdef'[5:1:-1]
V 'abcdef'[-1:-7:-1]
V 'abcdef'[-1:-8:-1]
V 'abcdef'[10:]
V 'abcdef'[-100:100]
V 'abcdef'[::100]
V 'abcdef'[::-100]
V 'abcdef'[1:2:3]
V 'abcdef'[4:1]
V 'abcdef'[None:2]
V 'abcdef'[99999999999999999999:]
V 'abcdef'[:-99999999999999999999]
V 'abcdef'[::-99999999999999999999]
V ''[::-1]
E 'abcdef'[::0]
E 'abc'[1.5:]
V b'abc'[1]
V b'abc'[::-1]
V b'\xff\x00'[0]
V b'abcdef'[-3:]
E b'abc'[5]
D 'abc'[x]
D 'abc'[1, 2]
# unary operators
V -5
V +5
V ~5
V -True
V --5
E -'a'
D not 1
# case methods
V 'AbC'.lower()
V 'AbC'.upper()
V 'AbC'.casefold()
V 'AbC'.swapcase()
V 'hello world-foo bar1x'.title()
V "they're bill's 3rd".title()
V 'hELLO wORLD'.capitalize()
V ''.capitalize()
V '__GLOBALS__'.lower()
U '\xc4B'.lower()
U 'stra\xdfe'.upper()
E 'ab'.lower(1)
# strip family
V '  ab  '.strip()
V '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f ab \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000'.strip()
V '\u200bab\ufeff'.strip()
V '  ab  '.lstrip()
V '  ab  '.rstrip()
V 'xxabxx'.strip('x')
V 'xyabyx'.lstrip('xy')
V 'xyabyx'.rstrip('xy')
V 'ab'.strip('')
E 'ab'.strip(1)
# replace
V 'aaa'.replace('a', 'b')
V 'aaa'.replace('a', 'b', 2)
V 'aaa'.replace('a', 'b', -1)
V 'aaa'.replace('a', 'b', 0)
V 'abc'.replace('', '-')
V 'abc'.replace('', '-', 2)
V ''.replace('', 'x')
V 'abc'.replace('x', 'y')
V 'aaaa'.replace('aa', 'b')
V 'x'.replace('x', '\U0001f600')
V '__gloXbals__'.replace('X', '')
E 'abc'.replace('a', 'b', count=1)
E 'abc'.replace('a')
U ('a' * 2).replace('a', 'b' * 60000)
D 'a'.replace('a', 'b' * 100001)
# affixes and padding
V 'prefix_x'.removeprefix('prefix_')
V 'x_suffix'.removesuffix('_suffix')
V 'abc'.removesuffix('')
V 'abc'.removeprefix('abcd')
V '42'.zfill(5)
V '-42'.zfill(5)
V '+42'.zfill(5)
V 'abc'.zfill(2)
V ''.zfill(3)
V 'ab'.ljust(5)
V 'ab'.ljust(5, '*')
V 'ab'.rjust(5, '_')
V 'ab'.center(5)
V 'ab'.center(6, '-')
V 'abc'.center(6)
V 'a'.center(4)
V 'ab'.center(7)
V 'ab'.ljust(-3)
E 'ab'.ljust(5, '**')
E 'ab'.ljust('5')
U 'ab'.ljust(100001)
# encode
V '\xe9'.encode()
V 'abc'.encode('ascii')
V '\xe9'.encode('latin-1')
V 'a\U0001f600'.encode('utf-8')
V 'ab'.encode('utf-16')
V 'ab'.encode('utf-32-be')
V 'ab'.encode('UTF_16_LE')
V 'ab'.encode('utf-32')
V 'ab'.encode(encoding='utf-8')
U '\xe9'.encode('ascii')
U '\u0100'.encode('latin1')
U 'ab'.encode('cp037')
U 'ab'.encode('utf-8', 'ignore')
U '\ud800'.encode()
U 'a\ud800b'.encode('utf-16')
V '\U0001f600'.encode('utf-16-le')
X '\ud83d\ude00'.encode()
X '\U0001f600'[1]
# format
V '{}_back'.format('f')
V '{0}{1}{0}'.format('a', 'b')
V '{name}!'.format(name='x')
V '{:>10}'.format('step')
V '{:<5}|'.format('ab')
V '{:^5}'.format('ab')
V '{:*^6}'.format('ab')
V '{:.2}'.format('abc')
V '{:5.2s}|'.format('abc')
V '{:05}'.format(42)
V '{:05}'.format(-42)
V '{:>5}'.format(-42)
V '{:=5}'.format(-42)
V '{:<05}'.format(7)
V '{:x<5d}'.format(7)
V '{:d}'.format(True)
V '{}'.format(True)
V '{:>5}'.format(True)
V '{!s:>4}'.format(1)
V '{{}}'.format()
V '{}{}'.format('a', 'b', 'c')
V '{:}'.format('a')
U '{!r}'.format('a')
U '{!a}'.format('a')
U '{:x}'.format(255)
U '{:,}'.format(1000)
U '{:+}'.format(5)
U '{}'.format(b'x')
U '{0.real}'.format(1)
U '{0[0]}'.format('ab')
U '{:{}}'.format('a', 5)
U '{:05}'.format('a')
U '{:.1d}'.format(5)
U '{:=5}'.format('a')
E '{}{}'.format('a')
E '{0}{}'.format('a', 'b')
E '{x}'.format(y=1)
E '{'.format()
E '}'.format()
E '{!x}'.format(1)
E '{!ss}'.format(1)
D '{}'.format(x)
# join
V '-'.join(['a', 'b'])
V ''.join(('x', 'y'))
V ''.join([])
V '_'.join('xC')
V ''.join(reversed('kcab_f'))
V ''.join(reversed(['a', 'b']))
V ','.join(map(str, [1, 2, True]))
V ''.join(c for c in ['__glo', 'bals__'])
V ''.join([c for c in 'abc'])
V ''.join(str(v) for v in (1, 2))
E ''.join([1, 2])
E ''.join(b'ab')
E ''.join(5)
U ''.join(map(str, [b'x']))
D ''.join(c for c in ['a'] if c)
D ''.join(c.upper() for c in ['a'])
D ''.join({'a', 'b'})
D ''.join(x)
# operator methods
V '__glo'.__add__('bals__')
V 'ab'.__mul__(2)
V '%s'.__mod__('x')
V '%s%s'.__mod__(('a', 'b'))
V 'abc'.__getitem__(1)
V b'ab'.__add__(b'cd')
V b'ab'.__getitem__(0)
E 'a'.__add__(1)
E 'a'.__mul__('b')
# methods that are not folded
D 'a,b'.split(',')
D 'abc'.find('b')
D 'abc'.upper
D b'AB'.lower()
# bytes construction
V bytes([104, 105])
V bytes((95, 95, 103, 108, 111, 98, 97, 108, 115, 95, 95))
V bytearray([1, 2])
V bytes([True, False])
V bytes([])
E bytes([256])
E bytes([-1])
E bytes(['a'])
D bytes(3)
D bytes((1,) * 3)
V bytes.fromhex('5f5f')
V bytes.fromhex('5f 5f\n')
V bytes.fromhex(' 5f\t')
V bytearray.fromhex('41')
V bytes.fromhex('')
E bytes.fromhex('5 f')
E bytes.fromhex('5')
E bytes.fromhex('zz')
E bytes.fromhex(b'41')
# decode
V b'abc'.decode()
V b'abc'.decode('ascii')
V b'\xff'.decode('latin-1')
V b'\xc3\xa9'.decode('UTF8')
V b'\xc3\xa9'.decode('U8')
V b'\xef\xbb\xbfa'.decode('utf-8')
V b'\xff\xfea\x00'.decode('utf-16')
V b'\xfe\xff\x00a'.decode('utf-16')
V b'a\x00'.decode('utf-16')
V b'\x00a'.decode('utf-16-be')
V b'\xff\xfea\x00'.decode('utf-16-le')
V b'=\xd8\x00\xde'.decode('utf-16-le')
V b'\xff\xfe\x00\x00a\x00\x00\x00'.decode('utf-32')
V b'a\x00\x00\x00'.decode('utf-32')
V b'\x00\x00\x00a'.decode('utf-32-be')
V b'\x00\x00\xfe\xff\x00\x00\x00a'.decode('utf_32')
V b'x'.decode('utf-8', 'strict')
V b'x'.decode(encoding='ascii')
V b'x'.decode(errors='strict')
V b'x'.decode('iso-8859-1')
V b'x'.decode('646')
V (b'__g' + b'lo' + b'bals__').decode()
V bytes((95, 95, 103, 108, 111, 98, 97, 108, 115, 95, 95)).decode()
V bytes.fromhex('5f5f').decode()
U b'\xff'.decode('ascii')
U b'\xff'.decode()
U b'a\x00b'.decode('utf-16')
U b'\x00\xd8'.decode('utf-16-le')
U b'\x00\xdc\x00\x00'.decode('utf-16-le')
U b'\x00\xd8\x00\x00'.decode('utf-32-le')
U b'\x00\x00\x11\x00'.decode('utf-32-le')
U b'x'.decode('cp037')
U b'x'.decode('utf 8')
U b'x'.decode('utf-8', 'ignore')
U b'\xed\xa0\x80'.decode()
U b'\xc0\x80'.decode()
U b'x'.decode('')
E b'x'.decode(1)
E b'x'.decode('utf-8', 'strict', 1)
# str()
V str(b'__globals__', 'ascii')
V str(b'abc', encoding='utf-8')
V str(b'\xff', 'latin1')
V str(b'x', errors='strict')
V str('abc')
V str(42)
V str(True)
V str()
U str(b'x')
U str(b'x', 'utf-8', 'replace')
U str(b'x', 'cp037')
E str('a', 'utf-8')
E str(1, 'utf-8')
# f-strings
V f"{'__glo'!s}{'bals__'}"
V f"{'a'}"
V f"{1}"
V f"{True}"
V f"{True:>5}"
V f"{'ab':>5}"
V f"{'ab':{'>'}{5}}"
V f"{'a'=:>3}"
V f"{'x'!s:^5}"
V f"{'a' + 'b'}-{3 * 'c'}"
V f""
V f"plain"
U f"{'a'!r}"
U f"{'a'!a}"
U f"{1:x}"
U f"{b'x'}"
U f"{'a'=}"
D f"{1.5}"
D f"{x}"
D f"{'a':{x}}"
# surrogate pairs: the tree cannot tell a real character from two escaped surrogates
U '\ud83d\ude00'[0]
U '\U0001f600ab'[1:]
V '\U0001f600' + 'ab'
V '\ud800abc'[1:]
V 'a\ud800'[::-1]
U '\U0001f600'.upper()
U '{:_<4}'.format('\U0001f600')
V '%s' % '\U0001f600'
U ''.join(reversed('\U0001f600'))
V '\U0001f600ab'[0:0]
# integers
V 99999999999999999999 * 99999999999999999999
`;

/** Rows added programmatically: sizes and digit counts that are awkward to write by hand. */
export const GENERATED: readonly string[] = [
  `V bytes([${Array.from({ length: 256 }, (_, i) => i).join(", ")}])`,
  `U bytes((${Array.from({ length: 257 }, () => "95").join(", ")}))`,
  `U ${"9".repeat(2200)} * ${"9".repeat(2200)}`,
  `E str(0x${"f".repeat(4000)})`,
  `E '%d' % 0x${"f".repeat(4000)}`,
  `V 'abc'[:0x${"f".repeat(4000)}]`,
];
