#!/usr/bin/env python3
"""Checks that herd's folders keep their one-way flow (README, "Layout"): a file in
src/<concern>/ or include/herd/<concern>/ includes only headers of its own concern
or of concerns below it in LAYERS, and every unit test lives in a concern's folder.
Prints each offending include and exits 1; exits 0 when there is none.

    scripts/check_layout.py [--root DIR]     (DIR: the repository, by default this one)
"""
import argparse
import pathlib
import re
import sys

# Top to bottom: a concern may use those after it, never one before it.
LAYERS = ['server', 'links', 'places', 'gazetteer', 'log', 'table', 'config', 'protocol',
          'common']
INCLUDE = re.compile(r'^\s*#\s*include\s+"herd/([^"]+)"', re.M)


def problems(root):
    rank = {concern: i for i, concern in enumerate(LAYERS)}
    found = []
    sources = [*root.glob('src/**/*.cpp'), *root.glob('include/herd/**/*.hpp')]
    for path in sorted(sources):
        relative = path.relative_to(root)
        folder = relative.parts[1] if relative.parts[0] == 'src' else relative.parts[2]
        if folder not in rank:
            found.append(f'{relative}: not in a concern\'s folder ({", ".join(LAYERS)})')
            continue
        for match in INCLUDE.finditer(path.read_text(encoding='utf-8')):
            target = match.group(1).split('/')[0]
            if target not in rank:
                found.append(f'{relative}: includes "herd/{match.group(1)}", in no concern')
            elif rank[target] < rank[folder]:
                found.append(f'{relative}: {folder} includes "herd/{match.group(1)}", '
                             f'a concern above it')
    for path in sorted(root.glob('tests/unit/*.cpp')):
        found.append(f'{path.relative_to(root)}: a unit test outside a concern\'s folder')
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent.parent)
    root = parser.parse_args().root
    if not (root / 'src').is_dir():
        sys.exit(f'check_layout: {root} has no src/ folder')
    found = problems(root)
    for problem in found:
        print(problem)
    if found:
        return 1
    print(f'check_layout: {root}: every include runs down {" > ".join(LAYERS)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
