#!/usr/bin/env python3
"""Where the compiled code of a benchmark's JVMs spends its time, instruction by instruction.

Works without hardware counters (cpu-clock sampling) and without hsdis: HotSpot prints the code of the methods
named with -XX:CompileCommand=print as hex, which objdump disassembles here. See conduit-bench/README.md
("Profiling the compiled code") for the commands that produce the inputs.

usage: jit-hotspots.py PERF_DATA VM_LOG [VM_LOG ...] [--method SUBSTRING] [--min-percent P] [--before N]

For each VM log (-XX:LogFile=vm-%p.log, one per JVM), prints the share of that JVM's busiest thread spent in each
printed method; with --method, the disassembly of the newest compilation of that method with the instructions
holding at least --min-percent of its samples (default 1). Samples land on or just after a stalled instruction.
"""
import argparse
import collections
import re
import subprocess
import tempfile


def blocks_of(log_lines):
    """(start, end, compile id, method, [lines]) of each C2 compilation printed in a VM log."""
    blocks = []
    current = None
    for index, line in enumerate(log_lines):
        match = re.match(r'Compiled method \((c\d)\)\s+\d+\s+(\d+)\s.*?\s(\S+::\S+)', line)
        if match:
            current = None
            if match.group(1) != 'c2':
                continue
            for k in range(index, min(index + 8, len(log_lines))):
                code = re.match(r'\s*main code\s+\[0x([0-9a-f]+),0x([0-9a-f]+)\]', log_lines[k])
                if code:
                    current = [int(code.group(1), 16), int(code.group(2), 16), match.group(2), match.group(3), []]
                    blocks.append(current)
                    break
        elif current is not None:
            current[4].append(line)
    return blocks


def disassemble(lines):
    """[(address, text, annotations)] of one printed compilation's [MachCode] section."""
    code = bytearray()
    start = None
    notes = collections.defaultdict(list)
    inside = False
    for line in lines:
        if line.startswith('[MachCode]'):
            inside = True
            continue
        if line.startswith('[/MachCode]'):
            break
        if not inside:
            continue
        match = re.match(r'\s+0x([0-9a-f]+): (.*)', line)
        if match:
            address, rest = int(match.group(1), 16), match.group(2)
            if rest.startswith(';'):
                notes[address].append(rest)
                continue
            hex_bytes = ''.join(rest.replace('|', '').split())
            if not re.fullmatch(r'[0-9a-f]*', hex_bytes):
                continue
            if start is None:
                start = address
            code += b'\x90' * (address - start - len(code))
            code += bytes.fromhex(hex_bytes)
        elif line.strip().startswith(';') and notes:
            notes[max(notes)].append(line.strip())
    if start is None:
        return []
    with tempfile.NamedTemporaryFile() as binary:
        binary.write(code)
        binary.flush()
        listing = subprocess.run(
            ['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', '--adjust-vma=%d' % start, binary.name],
            capture_output=True, text=True, check=True).stdout
    result = []
    for line in listing.split('\n'):
        match = re.match(r'\s*([0-9a-f]+):\s*(.*)', line)
        if match and start <= int(match.group(1), 16) < start + len(code):
            address = int(match.group(1), 16)
            result.append((address, match.group(2), notes.pop(address, [])))
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('perf_data')
    parser.add_argument('vm_logs', nargs='+')
    parser.add_argument('--method')
    parser.add_argument('--min-percent', type=float, default=1.0)
    parser.add_argument('--before', type=int, default=2,
                        help='instructions to show before each hot one (a sample lands just after a stall)')
    args = parser.parse_args()
    script = subprocess.run(['perf', 'script', '-i', args.perf_data, '-F', 'pid,tid,ip,sym'],
                            capture_output=True, text=True).stdout
    samples = collections.defaultdict(list)
    for line in script.split('\n'):
        fields = line.split()
        if len(fields) < 2 or '/' not in fields[0]:
            continue
        pid, tid = fields[0].split('/')
        samples[pid].append((tid, int(fields[1], 16), ' '.join(fields[2:])))
    for log in args.vm_logs:
        pid = re.search(r'(\d+)', log.split('/')[-1]).group(1)
        blocks = blocks_of(open(log, errors='replace').read().split('\n'))
        if not samples[pid]:
            print(log, 'no samples')
            continue
        busiest = collections.Counter(tid for tid, _, _ in samples[pid]).most_common(1)[0][0]
        per_method = collections.Counter()
        per_address = collections.Counter()
        for tid, ip, symbol in samples[pid]:
            if tid != busiest:
                continue
            per_address[ip] += 1
            for start, end, compile_id, method, _ in blocks:
                if start <= ip < end:
                    per_method[compile_id + ' ' + method] += 1
                    break
            else:
                per_method['(elsewhere) ' + (symbol if symbol != '[unknown]' else 'unprinted compiled code')] += 1
        total = sum(per_method.values())
        print('%s: thread %s, %d samples: %s' % (log, busiest, total, ', '.join(
            '%s %.0f%%' % (name, 100.0 * count / total) for name, count in per_method.most_common(5))))
        if not args.method:
            continue
        chosen = [block for block in blocks if args.method in block[3]]
        if not chosen:
            continue
        start, end, compile_id, method, lines = chosen[-1]
        listing = disassemble(lines)
        in_method = sum(per_address[address] for address, _, _ in listing)
        print('  %s %s: %d samples' % (compile_id, method, in_method))
        shown = set()
        for position, (address, text, notes) in enumerate(listing):
            count = per_address[address]
            if not in_method or count * 100.0 < args.min_percent * in_method:
                continue
            for earlier in range(max(0, position - args.before), position + 1):
                if earlier in shown:
                    continue
                shown.add(earlier)
                at, instruction, annotations = listing[earlier]
                for note in annotations:
                    if 'ImmutableOopMap' not in note and 'reexecute' not in note:
                        print('                 ' + note[:140])
                hits = per_address[at]
                print('  %6d %5.1f%%  %x: %s' % (hits, 100.0 * hits / in_method, at, instruction[:100]))
            print()


if __name__ == '__main__':
    main()
