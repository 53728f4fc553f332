#!/usr/bin/env bash
# tests/examples.sh: the commands of the README and of the man pages'
# EXAMPLES, as a reader would type them from the checkout root.
#
#   tests/examples.sh list [FILE...]     each command as a NUL-ended record
#                                        "FILE:LINE\nCOMMAND"
#   tests/examples.sh outputs [FILE...]  the same records with the output the
#                                        page shows after the command instead
#                                        of the command ("FILE:LINE\n" alone
#                                        when it shows none)
#
# FILE defaults to README.md, man/*.1 and man/*.7.  tests/examples.bats
# runs every command; tests that check how expressions run (TRAWL_EXPLAIN)
# read the same list.
#
# What a command is:
#   - in a man page, a line of a literal display (.Bd -literal) of the
#     EXAMPLES section that starts with "$ "; it goes on over the lines
#     that a shell would still read as part of it (an open quote or
#     pipeline, a trailing backslash) and over "> " lines (the shell's
#     second prompt); the lines after it, up to the next "$ " or the end
#     of the display, are its output.  mdoc escapes are undone (\e is a
#     backslash).  A display without "$ " (program text, not a command) is
#     not read.
#   - in the README, every line of an indented block (four spaces), but
#     those of "## Set-up ..." (make check and make demo: what CI and
#     tests/demo.bats run) and of "## Layout" (a map, not commands); the
#     README shows no output.
set -euo pipefail

mode=${1:-list}
shift || true
# Named files are read where the caller is; the default ones at the top
# of the checkout, named as from there.
if [ $# -eq 0 ]; then
	cd "$(dirname "$0")/.."
	set -- README.md man/*.1 man/*.7
fi

# complete TEXT: 0 when a shell reads TEXT as whole commands (no open
# quote, pipeline or continuation).
complete() {
	case $1 in
	*\\) return 1 ;;
	esac
	bash -n <<<"$1" 2>/dev/null
}

# emit FILE LINE COMMAND OUTPUT
emit() {
	if [ "$mode" = outputs ]; then
		printf '%s:%s\n%s\0' "$1" "$2" "$4"
	else
		printf '%s:%s\n%s\0' "$1" "$2" "$3"
	fi
}

# The man page's example displays as "LINE<TAB>TEXT" lines, mdoc escapes
# undone, each display ended by a line "-".
man_displays() {
	awk '
		/^\.Sh / { ex = ($0 == ".Sh EXAMPLES"); next }
		ex && /^\.Bd -literal/ { lit = 1; next }
		ex && lit && /^\.Ed/ { lit = 0; print "-"; next }
		ex && lit {
			s = $0
			gsub(/\\e/, "\001", s)
			gsub(/\\\(dq/, "\"", s)
			gsub(/\\&/, "", s)
			gsub(/\\-/, "-", s)
			gsub(/\001/, "\\", s)
			print NR "\t" s
		}' "$1"
}

readme_blocks() {
	awk '
		/^#/ { skip = ($0 ~ /^## (Set-up|Layout)/); print "-"; next }
		!skip && /^    / { print NR "\t" substr($0, 5); next }
		{ print "-" }' "$1"
}

# read_commands FILE: the displays of FILE on stdin as man_displays or
# readme_blocks write them.
read_commands() {
	local file=$1 prompts=$2 line text cmd="" at="" out="" incmd=0
	while IFS= read -r line; do
		if [ "$line" = - ]; then
			[ -n "$at" ] && emit "$file" "$at" "$cmd" "$out"
			cmd="" at="" out="" incmd=0
			continue
		fi
		text=${line#*$'\t'}
		if [ "$prompts" = 0 ]; then
			[ -z "$text" ] && continue
			emit "$file" "${line%%$'\t'*}" "$text" ""
			continue
		fi
		if [ "$incmd" = 1 ]; then
			text=${text#> }
			cmd+=$'\n'$text
			complete "$cmd" && incmd=0
			continue
		fi
		case $text in
		'$ '*)
			[ -n "$at" ] && emit "$file" "$at" "$cmd" "$out"
			at=${line%%$'\t'*}
			cmd=${text#\$ }
			out=""
			complete "$cmd" || incmd=1
			;;
		*)
			if [ -n "$at" ]; then
				out+=${out:+$'\n'}$text
			fi
			;;
		esac
	done
	[ -n "$at" ] && emit "$file" "$at" "$cmd" "$out"
	return 0
}

case $mode in
list | outputs) ;;
*)
	echo "usage: tests/examples.sh list|outputs [file ...]" >&2
	exit 2
	;;
esac
for f in "$@"; do
	case $f in
	*.md) readme_blocks "$f" | read_commands "$f" 0 ;;
	*) man_displays "$f" | read_commands "$f" 1 ;;
	esac
done
