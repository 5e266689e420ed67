# SsmTroubleshoot: READ-ONLY collection of the SSM Agent log window. Reads the agent's own log files, writes nothing,
# changes nothing. Placeholders are replaced by integers only (epoch seconds, byte cap) before sending.
# .NET calls only (no module cmdlets): runs the same in Windows PowerShell 5.1 and PowerShell 7.
$ErrorActionPreference = 'Stop'
$sinceEpoch = {{SINCE_EPOCH}}
$untilEpoch = {{UNTIL_EPOCH}}
$cap = {{CAP_BYTES}}
$dir = [System.IO.Path]::Combine([Environment]::GetFolderPath('CommonApplicationData'), 'Amazon', 'SSM', 'Logs')
# The agent stamps entries in the instance's local time: convert the window the same way.
$since = [DateTimeOffset]::FromUnixTimeSeconds($sinceEpoch).LocalDateTime
$sinceText = $since.ToString('yyyy-MM-dd HH:mm:ss')
$untilText = ''
if ($untilEpoch -gt 0) { $untilText = [DateTimeOffset]::FromUnixTimeSeconds($untilEpoch).LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss') }
$header = [regex]'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d'
$window = [System.Text.StringBuilder]::new()
$logs = @()
if ([System.IO.Directory]::Exists($dir)) {
    # Oldest rotation first so the window reads in time order; only files written to since the window opened.
    $logs = @([System.IO.DirectoryInfo]::new($dir).GetFiles('amazon-ssm-agent.log*') | Where-Object { $_.Extension -ne '.gz' -and $_.LastWriteTime -ge $since })
    if ($logs.Count -gt 1) {
        $keys = [DateTime[]]@($logs | ForEach-Object { $_.LastWriteTimeUtc })
        [Array]::Sort($keys, $logs)
    }
}
foreach ($log in $logs) {
    # Shared read: the agent keeps the file open for writing.
    $stream = [System.IO.FileStream]::new($log.FullName, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::ReadWrite)
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
# Over the cap the newest entries are kept: they say what the agent is doing now (agent logs are ASCII: chars = bytes).
if ($text.Length -gt $cap) { $text = $text.Substring($text.Length - $cap) }
$sent = [System.Text.Encoding]::UTF8.GetByteCount($text)
# Plain pipeline output: Run Command captures it as standard output.
"#SsmTroubleshoot-collect v1 total=$total sent=$sent files=$($logs.Count) dir=$dir"
$text
