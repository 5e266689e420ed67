using System;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SsmTroubleshoot.Endpoints;

/// <summary>Loads extra trust anchors from DER or PEM files (a PEM file may hold a bundle).</summary>
public static class TrustedRoots
{
    private const string Begin = "-----BEGIN CERTIFICATE-----";
    private const string End = "-----END CERTIFICATE-----";

    /// <summary>Throws FileNotFoundException for a missing file and InvalidDataException for one that holds no certificate.</summary>
    public static X509Certificate2Collection Load(params string[] paths)
    {
        var collection = new X509Certificate2Collection();
        foreach (var path in paths ?? Array.Empty<string>())
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException("The trusted root certificate file '" + path + "' does not exist.", path);
            }

            var bytes = File.ReadAllBytes(path);
            var text = Encoding.ASCII.GetString(bytes);
            var found = 0;
            try
            {
                if (text.IndexOf(Begin, StringComparison.Ordinal) >= 0)
                {
                    var at = 0;
                    while ((at = text.IndexOf(Begin, at, StringComparison.Ordinal)) >= 0)
                    {
                        var end = text.IndexOf(End, at, StringComparison.Ordinal);
                        if (end < 0)
                        {
                            break;
                        }

                        var body = text.Substring(at + Begin.Length, end - at - Begin.Length);
                        collection.Add(new X509Certificate2(Convert.FromBase64String(body.Replace("\r", string.Empty).Replace("\n", string.Empty).Trim())));
                        found++;
                        at = end + End.Length;
                    }
                }
                else
                {
                    collection.Add(new X509Certificate2(bytes));
                    found++;
                }
            }
            catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidDataException("'" + path + "' is not a DER or PEM certificate: " + ex.Message, ex);
            }

            if (found == 0)
            {
                throw new InvalidDataException("'" + path + "' holds no certificate.");
            }
        }

        return collection;
    }
}
