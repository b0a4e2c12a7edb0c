-- Each RawBlock in the format "gfm" holds one Markdown text (an FAQ entry's cause, its fix) and is
-- parsed on its own: an unclosed code fence in one text can never swallow the next, and all the
-- texts of an export are read by one pandoc process.
function RawBlock(block)
  if block.format == 'gfm' then
    return pandoc.read(block.text, 'gfm').blocks
  end
end
