# md2html.awk: the Markdown subset the reports use, to one self-contained
# HTML page.  Charts referenced as ![alt](file.svg) are embedded as data:
# URIs, so the page can be mailed or opened anywhere without its directory.
#
#   awk -v title="..." -v dir=DIR -f md2html.awk report.md > report.html
#
# Supported: # ## ### headings, paragraphs, "- " lists (indented lines
# continue an item), pipe tables with a
# separator row, ``` fenced code, images on a line of their own, and inline
# `code`, **bold** and [text](url).  Written for POSIX awk (mawk, gawk).

function esc(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	return s
}

# Inline markup on already-escaped text.
function inline(s,    out, i, j, seg, text, url) {
	out = ""
	while ((i = index(s, "`")) > 0) {
		j = index(substr(s, i + 1), "`")
		if (j == 0)
			break
		out = out inline_plain(substr(s, 1, i - 1)) "<code>" substr(s, i + 1, j - 1) "</code>"
		s = substr(s, i + j + 1)
	}
	return out inline_plain(s)
}

function inline_plain(s,    out, m, text, url) {
	while (match(s, /\*\*[^*]+\*\*/)) {
		s = substr(s, 1, RSTART - 1) "<strong>" substr(s, RSTART + 2, RLENGTH - 4) "</strong>" substr(s, RSTART + RLENGTH)
	}
	out = ""
	while (match(s, /\[[^]]+\]\([^)]+\)/)) {
		m = substr(s, RSTART, RLENGTH)
		text = substr(m, 2, index(m, "](") - 2)
		url = substr(m, index(m, "](") + 2)
		url = substr(url, 1, length(url) - 1)
		out = out substr(s, 1, RSTART - 1) "<a href=\"" url "\">" text "</a>"
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}

function flush_item() {
	if (item != "") { print "<li>" inline(esc(item)) "</li>"; item = "" }
}

function close_blocks() {
	if (inpara) { print "</p>"; inpara = 0 }
	if (inlist) { flush_item(); print "</ul>"; inlist = 0 }
	if (intable) { print "</tbody></table>"; intable = 0 }
}

function cells(line, tag,    n, i, parts, row) {
	sub(/^[ \t]*\|/, "", line)
	sub(/\|[ \t]*$/, "", line)
	n = split(line, parts, "|")
	row = "<tr>"
	for (i = 1; i <= n; i++) {
		gsub(/^[ \t]+|[ \t]+$/, "", parts[i])
		row = row "<" tag (parts[i] ~ /^[-0-9.,%]+$/ ? " class=\"num\"" : "") ">" inline(esc(parts[i])) "</" tag ">"
	}
	return row "</tr>"
}

function embed(alt, file,    cmd, data, line) {
	cmd = "base64 < '" dir "/" file "' | tr -d '\\n'"
	data = ""
	while ((cmd | getline line) > 0)
		data = data line
	close(cmd)
	if (data == "") {
		print "md2html: cannot embed " dir "/" file > "/dev/stderr"
		failed = 1
	}
	return "<figure><img alt=\"" esc(alt) "\" src=\"data:image/svg+xml;base64," data "\"><figcaption>" inline(esc(alt)) "</figcaption></figure>"
}

BEGIN {
	print "<!DOCTYPE html>"
	print "<html lang=\"en\"><head><meta charset=\"utf-8\">"
	print "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	print "<title>" esc(title) "</title>"
	print "<style>"
	print "body{font:16px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
	print "h1,h2,h3{line-height:1.2}code,pre{font:14px ui-monospace,monospace;background:#f4f4f4}"
	print "pre{padding:.75em;overflow-x:auto}table{border-collapse:collapse;margin:1em 0}"
	print "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.num{text-align:right}"
	print "figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}"
	print "figcaption{color:#555;font-size:90%}"
	print "</style></head><body>"
}

incode {
	if ($0 ~ /^```/) { print "</code></pre>"; incode = 0 } else print esc($0)
	next
}
/^```/ { close_blocks(); printf "<pre><code>"; incode = 1; next }
/^#+ / {
	close_blocks()
	n = index($0, " ") - 1
	print "<h" n ">" inline(esc(substr($0, n + 2))) "</h" n ">"
	next
}
/^!\[[^]]*\]\([^)]+\)[ \t]*$/ {
	close_blocks()
	alt = substr($0, 3, index($0, "](") - 3)
	file = substr($0, index($0, "](") + 2)
	sub(/\)[ \t]*$/, "", file)
	print embed(alt, file)
	next
}
/^[ \t]*\|/ {
	if (!intable) {
		close_blocks()
		print "<table><thead>" cells($0, "th") "</thead><tbody>"
		intable = 1
		next
	}
	if ($0 ~ /^[ \t]*\|[ \t:|-]+\|[ \t]*$/)
		next
	print cells($0, "td")
	next
}
/^- / {
	if (!inlist) { close_blocks(); print "<ul>"; inlist = 1 }
	flush_item()
	item = substr($0, 3)
	next
}
# An indented line continues the list item above it.
inlist && /^[ \t]+[^ \t]/ {
	line = $0
	sub(/^[ \t]+/, "", line)
	item = item " " line
	next
}
/^[ \t]*$/ { close_blocks(); next }
{
	if (!inpara) { close_blocks(); printf "<p>"; inpara = 1 } else printf "\n"
	printf "%s", inline(esc($0))
}
END {
	close_blocks()
	if (incode) print "</code></pre>"
	print "</body></html>"
	exit failed
}
