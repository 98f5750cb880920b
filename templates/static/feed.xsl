<?xml version="1.0" encoding="utf-8"?>
<!-- An Atom feed of the archive opened in a browser: a Vietnamese page that says what a feed is and
     lists its conferences. Feed readers ignore it. Styles inline: the feed may lie at any depth. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:a="http://www.w3.org/2005/Atom"
                exclude-result-prefixes="a">
<xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat" indent="no"/>

<xsl:template match="/a:feed">
<html lang="vi">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="a:title"/> · Nguồn tin Atom</title>
<style>
:root { color-scheme: light dark; --text: #1d232a; --muted: #4a5561; --accent: #0b5c8a; --line: #d5dbe1; --soft: #f3f6f8; --bg: #fff;
  font-family: "Noto Sans", "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.6; color: var(--text); background: var(--bg); }
@media (prefers-color-scheme: dark) { :root { --text: #e3e8ec; --muted: #aeb9c3; --accent: #8cc8ee; --line: #3b4651; --soft: #1b232b; --bg: #11171c; } }
body { margin: 0; }
main { max-width: 48rem; margin: 0 auto; padding: 0 1rem 2rem; }
a { color: var(--accent); }
.about { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: .75rem 1rem; }
code { overflow-wrap: anywhere; }
ol { list-style: none; padding: 0; }
li { padding: .75rem 0; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.5rem; line-height: 1.3; }
h2 { font-size: 1.25rem; }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
.meta { color: var(--muted); font-size: .95rem; margin: 0; }
</style>
</head>
<body>
<main>
<h1><xsl:value-of select="a:title"/></h1>
<p class="about">Đây là nguồn tin (Atom) của trang này: chép địa chỉ
<code><xsl:value-of select="a:link[@rel='self']/@href"/></code>
vào một ứng dụng đọc tin để nhận các hội nghị mới khi có.
<xsl:if test="a:link[@rel='alternate']"> Xem trên trang web: <a href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a>.</xsl:if></p>
<h2 id="moi-nhat">Các hội nghị mới nhất (<xsl:value-of select="count(a:entry)"/>)</h2>
<ol aria-labelledby="moi-nhat">
<xsl:for-each select="a:entry">
<li>
<h3><a href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a></h3>
<p class="meta"><xsl:value-of select="a:summary"/></p>
</li>
</xsl:for-each>
</ol>
</main>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
