using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyPyLeads.TestSupport;

/// <summary>
/// A self-signed certificate made for one test, written to <paramref name="Folder"/> as a password-protected .pfx (for
/// Kestrel and Data Protection) and as PEM certificate and key (for nginx).
/// </summary>
public sealed record ThrowawayCertificate(string Folder, string PfxPath, string Password, string CertificatePemPath, string KeyPemPath, string Thumbprint)
{
    public static ThrowawayCertificate Create(string folder, string hostName = "localhost", string name = "throwaway", string? password = null)
    {
        Directory.CreateDirectory(folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        password ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var pfx = Path.Combine(folder, name + ".pfx");
        var pem = Path.Combine(folder, name + ".crt");
        var keyPem = Path.Combine(folder, name + ".key");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, password));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        File.WriteAllText(keyPem, key.ExportPkcs8PrivateKeyPem());
        return new ThrowawayCertificate(folder, pfx, password, pem, keyPem, certificate.Thumbprint);
    }

    /// <summary>The certificate made earlier in <paramref name="folder"/> with <paramref name="password"/>, or a new one.</summary>
    public static ThrowawayCertificate KeptIn(string folder, string name, string password)
    {
        var pfx = Path.Combine(folder, name + ".pfx");
        if (!File.Exists(pfx))
        {
            return Create(folder, name, name, password);
        }
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(pfx, password);
        return new ThrowawayCertificate(folder, pfx, password, Path.Combine(folder, name + ".crt"), Path.Combine(folder, name + ".key"), certificate.Thumbprint);
    }

    /// <summary>The settings that make the app encrypt its Data Protection keys with this certificate.</summary>
    public IReadOnlyDictionary<string, string> KeySettings => new Dictionary<string, string>
    {
        ["DataProtection:Certificate:Path"] = PfxPath,
        ["DataProtection:Certificate:Password"] = Password,
    };
}
