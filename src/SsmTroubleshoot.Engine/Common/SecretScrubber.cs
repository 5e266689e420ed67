using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace SsmTroubleshoot.Common;

/// <summary>
/// Removes what may be a secret from text on its way into an error, a warning or a log line: values after the
/// names of secret settings (aws_secret_access_key, aws_session_token, -SecretKey, --secret-key, X-Amz-Security-Token,
/// password...), request signatures, and strings shaped like a secret access key. Ids (AKIA..., i-...) stay readable.
/// </summary>
public static class SecretScrubber
{
    public const string Mask = "****";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // A secret-looking name, then '=', ':' or blanks, then the value (quoted or up to the next blank or separator).
    private static readonly Regex s_named = new(
        @"(?<name>(?:aws_)?secret_access_key|aws_session_token|aws_security_token|session_?token|secret_?key|secretaccesskey|x-amz-security-token|password|client_secret|(?<![\w-])-{1,2}(?:secret-?key|secret-?access-?key|session-?token|sk|st)s?)(?<sep>[""']?\s*(?:[=:]\s*|\s+)[""']?)(?<value>[^\s""',;&|()]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    private static readonly Regex s_signature = new(@"(?<name>Signature=)(?<value>[0-9a-fA-F]{16,})", RegexOptions.CultureInvariant, Timeout);

    // 40 characters of base64 with at least one capital, one small letter and one digit or '/' '+': an AWS secret key's shape (not a hex digest).
    private static readonly Regex s_secretShape = new(
        @"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))(?=[^\s]*[A-Z])(?=[^\s]*[a-z])(?=[^\s]*[0-9/+])[A-Za-z0-9/+]{40}",
        RegexOptions.CultureInvariant, Timeout);

    /// <summary>The text with every secret-looking value masked; <paramref name="known"/> values (the secrets in use) always are.</summary>
    public static string Scrub(string? text, IEnumerable<string?>? known = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var result = text!;
        if (known is not null)
        {
            foreach (var secret in known)
            {
                if (!string.IsNullOrEmpty(secret) && secret!.Length >= 4)
                {
                    result = result.Replace(secret, Mask);
                }
            }
        }

        try
        {
            result = s_named.Replace(result, m => LooksSecret(m) ? m.Groups["name"].Value + m.Groups["sep"].Value + Mask : m.Value);
            result = s_signature.Replace(result, m => m.Groups["name"].Value + Mask);
            result = s_secretShape.Replace(result, Mask);
        }
        catch (RegexMatchTimeoutException)
        {
            // Pathological text: say nothing of it rather than risk a secret.
            return "(text withheld: it could not be checked for secrets)";
        }

        return result;
    }

    // "name = value" always counts; "name value" only when the value is not an ordinary word of a sentence.
    private static bool LooksSecret(Match match)
    {
        var separator = match.Groups["sep"].Value;
        if (separator.IndexOf('=') >= 0 || separator.IndexOf(':') >= 0)
        {
            return true;
        }

        var value = match.Groups["value"].Value.TrimEnd('.');
        if (value.Length < 6)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '/' or '+')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a command-line option name stands for a secret (--secret-key, -SessionToken, --password...).</summary>
    public static bool IsSecretOptionName(string token)
    {
        if (string.IsNullOrEmpty(token) || token[0] != '-')
        {
            return false;
        }

        var name = token.TrimStart('-').Replace("-", string.Empty).Replace("_", string.Empty);
        var equals = name.IndexOf('=');
        if (equals >= 0)
        {
            name = name.Substring(0, equals);
        }

        return name.IndexOf("secret", StringComparison.OrdinalIgnoreCase) >= 0
            || name.IndexOf("token", StringComparison.OrdinalIgnoreCase) >= 0
            || name.IndexOf("password", StringComparison.OrdinalIgnoreCase) >= 0
            || string.Equals(name, "sk", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "st", StringComparison.OrdinalIgnoreCase);
    }
}
