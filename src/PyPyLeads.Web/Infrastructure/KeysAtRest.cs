using Microsoft.AspNetCore.DataProtection;
using PyPyLeads.Data;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>A certificate file and its password.</summary>
public sealed class CertificateFileOptions
{
    /// <summary>A PKCS#12 file (.pfx) holding the certificate and its private key.</summary>
    public string? Path { get; set; }

    public string? Password { get; set; }
}

/// <summary>The <c>DataProtection</c> settings.</summary>
public sealed class KeysAtRestOptions
{
    public const string Section = "DataProtection";

    /// <summary>Encrypts the keys that sign the cookies before they are stored; required outside Development and Testing.</summary>
    public CertificateFileOptions Certificate { get; set; } = new();

    /// <summary>Certificates used before, kept to decrypt the keys they encrypted until those keys expire (90 days).</summary>
    public List<CertificateFileOptions> OldCertificates { get; set; } = [];
}

/// <summary>
/// The Data Protection keys (which sign and encrypt the sign-in, antiforgery and temp-data cookies) live in the
/// database, so every instance shares them and a restart signs nobody out. Encrypted there with a certificate that is
/// not in the database, a copy of the database (a backup, a stolen file) cannot mint or read a cookie.
/// </summary>
public static class KeysAtRest
{
    public static IServiceCollection AddKeysAtRest(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.Read<KeysAtRestOptions>(KeysAtRestOptions.Section);
        var dataProtection = services.AddDataProtection().SetApplicationName("PyPyLeads").PersistKeysToDbContext<LeadsDbContext>();
        if (string.IsNullOrWhiteSpace(options.Certificate.Path))
        {
            return PublicSite.IsDeployment(environment)
                ? throw new StartupProblem($"DataProtection:Certificate:Path is empty: in {environment.EnvironmentName} the keys that sign the cookies must be "
                    + "stored encrypted; make a certificate with openssl (README, \"Keys at rest\") and give its path and DataProtection:Certificate:Password.")
                : services;
        }
        dataProtection.ProtectKeysWithCertificate(
            StartupFailures.LoadCertificate("DataProtection:Certificate", options.Certificate.Path, options.Certificate.Password));
        var old = options.OldCertificates
            .Select((c, i) => StartupFailures.LoadCertificate($"DataProtection:OldCertificates:{i}", c.Path ?? "", c.Password))
            .ToArray();
        if (old.Length > 0)
        {
            dataProtection.UnprotectKeysWithAnyCertificate(old);
        }
        return services;
    }
}
