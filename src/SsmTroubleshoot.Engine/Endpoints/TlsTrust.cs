using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SsmTroubleshoot.Endpoints;

/// <summary>
/// Certificate validation for probes: the system store decides; extra trusted roots (private CAs, tests) only ADD trust
/// through a chain built with them as its anchor. Name and availability checks are never relaxed.
/// </summary>
internal sealed class TlsTrust
{
    private readonly X509Certificate2Collection _extraRoots;

    public TlsTrust(X509Certificate2Collection? extraRoots) => _extraRoots = extraRoots ?? new X509Certificate2Collection();

    /// <summary>Validation for one handshake; remembers what it saw so a rejection can be explained.</summary>
    public sealed class Session
    {
        private readonly TlsTrust _owner;

        internal Session(TlsTrust owner) => _owner = owner;

        public string? Subject { get; private set; }

        public string? Issuer { get; private set; }

        /// <summary>Why the certificate was rejected; null when it was accepted or never seen.</summary>
        public string? Rejection { get; private set; }

        public bool TrustedByExtraRoot { get; private set; }

        public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (certificate is null)
            {
                Rejection = "the server sent no certificate";
                return false;
            }

            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            Subject = leaf.Subject;
            Issuer = leaf.Issuer;
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                Rejection = "the certificate (subject '" + leaf.Subject + "') does not match the host name";
                return false;
            }

            if (errors != SslPolicyErrors.RemoteCertificateChainErrors)
            {
                Rejection = "certificate error " + errors;
                return false;
            }

            if (_owner._extraRoots.Count > 0 && _owner.ChainsToExtraRoot(leaf, chain))
            {
                TrustedByExtraRoot = true;
                return true;
            }

            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? new List<string>();
            Rejection = "the chain does not validate against this machine's trusted roots ("
                + (statuses.Count == 0 ? "chain error" : string.Join(", ", statuses)) + ")";
            return false;
        }
    }

    public Session Begin() => new(this);

    private bool ChainsToExtraRoot(X509Certificate2 leaf, X509Chain? systemChain)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Unknown roots are allowed only so the chain builds; the anchor is then pinned to one of the extra roots below.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.ExtraStore.AddRange(_extraRoots);
        if (systemChain is not null)
        {
            foreach (var element in systemChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(leaf))
        {
            return false;
        }

        var anchor = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
        if (!_extraRoots.Cast<X509Certificate2>().Any(root => root.RawData.SequenceEqual(anchor.RawData)))
        {
            return false;
        }

        return chain.ChainStatus.All(s => s.Status is X509ChainStatusFlags.NoError or X509ChainStatusFlags.UntrustedRoot);
    }

    /// <summary>Amazon's public certificates are issued by Amazon's CAs (O=Amazon); anything else on an AWS host is interception.</summary>
    public static bool IsAmazonIssuer(string? issuer)
    {
        if (string.IsNullOrEmpty(issuer))
        {
            return false;
        }

        foreach (var part in issuer!.Split(','))
        {
            var rdn = part.Trim();
            if (rdn.StartsWith("O=Amazon", StringComparison.Ordinal) || rdn.StartsWith("CN=Amazon", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hosts whose certificates Amazon's public CAs issue (commercial and GovCloud partitions, VPC endpoint names).</summary>
    public static bool ExpectsAmazonCertificate(string host) =>
        host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase);
}
