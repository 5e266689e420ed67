# SsmTroubleshoot: READ-ONLY collection of the SSM Agent log window. Reads the agent's own log files, writes nothing,
# changes nothing. Placeholders are replaced by integers only (epoch seconds, byte cap) before sending.
$ErrorActionPreference = 'Stop'
$sinceEpoch = {{SINCE_EPOCH}}
$untilEpoch = {{UNTIL_EPOCH}}
$cap = {{CAP_BYTES}}
$dir = Join-Path $env:ProgramData 'Amazon\SSM\Logs'
# The agent stamps entries in the instance's local time: convert the window the same way.
$since = [DateTimeOffset]::FromUnixTimeSeconds($sinceEpoch).LocalDateTime
$sinceText = $since.ToString('yyyy-MM-dd HH:mm:ss')
$untilText = if ($untilEpoch -gt 0) { [DateTimeOffset]::FromUnixTimeSeconds($untilEpoch).LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss') } else { '' }
$header = [regex]'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'
$window = [System.Text.StringBuilder]::new()
$files = 0
# Oldest rotation first so the window reads in time order; only files written to since the window opened.
$logs = @(Get-ChildItem -LiteralPath $dir -Filter 'amazon-ssm-agent.log*' -File -ErrorAction SilentlyContinue |
    Where-Object { $_.Extension -ne '.gz' -and $_.LastWriteTime -ge $since } | Sort-Object LastWriteTime)
foreach ($log in $logs) {
    $files++
    # Shared read: the agent keeps the file open for writing.
    $stream = [System.IO.FileStream]::new($log.FullName, 'Open', 'Read', 'ReadWrite')
    $reader = [System.IO.StreamReader]::new($stream)
    try {
        $keep = $false
        while ($null -ne ($line = $reader.ReadLine())) {
            if ($header.IsMatch($line)) {
                $stamp = $line.Substring(0, 19)
                $keep = ($stamp -ge $sinceText) -and ($untilText -eq '' -or $stamp -le $untilText)
            }
            if ($keep) { [void]$window.Append($line).Append("`n") }
        }
    }
    finally { $reader.Dispose() }
}
$text = $window.ToString()
$total = [System.Text.Encoding]::UTF8.GetByteCount($text)
# Over the cap the newest entries are kept: they say what the agent is doing now (ASCII logs: chars = bytes).
if ($text.Length -gt $cap) { $text = $text.Substring($text.Length - $cap) }
$sent = [System.Text.Encoding]::UTF8.GetByteCount($text)
[Console]::Out.Write("#SsmTroubleshoot-collect v1 total=$total sent=$sent files=$files dir=$dir`n")
[Console]::Out.Write($text)
