using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SsmTroubleshoot.Tests.Loopback;

/// <summary>A throw-away CA and server certificates made in the test; nothing is installed in any store.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey;

    public TestCertificates(string caName)
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + caName + ", O=" + caName, _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>The CA (public part and key); its public part is what -TrustedRootCertificatePath points at.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>A server certificate for the given DNS names, with its private key, usable by SslStream on any OS.</summary>
    public X509Certificate2 IssueServer(params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsNames[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // A PKCS#12 round trip gives a key SslStream can use on Windows as well as Linux.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "t"), "t");
    }

    /// <summary>Writes the CA's public certificate (PEM when asked, else DER) and returns the path.</summary>
    public string WriteAuthority(string directory, bool pem = false)
    {
        var path = Path.Combine(directory, pem ? "test-root.pem" : "test-root.cer");
        if (pem)
        {
            File.WriteAllText(path, Authority.ExportCertificatePem());
        }
        else
        {
            File.WriteAllBytes(path, Authority.Export(X509ContentType.Cert));
        }

        return path;
    }

    public void Dispose()
    {
        Authority.Dispose();
        _caKey.Dispose();
    }
}
