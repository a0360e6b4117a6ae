using QRCoder;

namespace PyPyLeads.Web.Features.TwoFactor;

/// <summary>The second step of signing in; the rules are <see cref="PyPyLeads.Users.PassSecondFactor"/>'s.</summary>
public sealed class SecondStepForm
{
    public string? Code { get; set; }
    public bool RememberMe { get; set; }
    public string? ReturnUrl { get; set; }
}

/// <summary>The code that confirms a new authenticator app; the rules are <see cref="PyPyLeads.Users.EnableTwoFactor.Validator"/>'s.</summary>
public sealed class EnrolForm
{
    public string? Code { get; set; }
}

/// <summary>The enrolment page: the key to type or scan, and the form that confirms it.</summary>
public sealed record EnrolPage(string SharedKey, string QrCodeDataUri, EnrolForm Form, bool Required);

/// <summary>Turning two-factor sign-in off; the rules are <see cref="PyPyLeads.Users.DisableTwoFactor.Validator"/>'s.</summary>
public sealed class DisableForm
{
    public string? Code { get; set; }
    public string? Password { get; set; }
}

/// <summary>Where the user's two-factor sign-in stands.</summary>
public sealed record TwoFactorPage(bool Enabled, int RecoveryCodesLeft, bool Required);

/// <summary>Recovery codes, shown once.</summary>
public sealed record RecoveryCodesPage(IReadOnlyList<string> Codes, bool JustEnabled);

public static class QrCodes
{
    /// <summary>
    /// <paramref name="text"/> as a QR code in a PNG <c>data:</c> address: the page's security policy allows images from
    /// <c>data:</c> (SecurityHeaders), and the key never leaves the page for an image request another server could log.
    /// </summary>
    public static string PngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }
}
