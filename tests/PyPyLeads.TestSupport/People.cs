using System.Net;

namespace PyPyLeads.TestSupport;

/// <summary>Signs people into the app over HTTP, through the same pages a person uses.</summary>
public static class People
{
    public const string AdminEmail = "lac@openend.se";
    public const string AdminPassword = "correct horse battery staple";

    /// <summary>
    /// Runs first-run set-up (Laura Creighton as admin) with the set-up code the app wrote to its data folder, as its
    /// operator would (<see cref="SetupCodes"/>), and leaves the client signed in.
    /// </summary>
    public static Task SetUpAsync(HttpClient client) => SetUpAsync(client, SetupCodes.For(client));

    /// <summary>As <see cref="SetUpAsync(HttpClient)"/>, with <paramref name="setupCode"/> read by the caller.</summary>
    public static async Task SetUpAsync(HttpClient client, string setupCode)
    {
        var response = await client.PostFormAsync("/setup", new Dictionary<string, string>
        {
            ["SetupCode"] = setupCode,
            ["DisplayName"] = "Laura Creighton",
            ["Email"] = AdminEmail,
            ["TimeZoneId"] = "Europe/Stockholm",
            ["Password"] = AdminPassword,
            ["ConfirmPassword"] = AdminPassword,
        });
        Expect(response, HttpStatusCode.Redirect, "/");
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        await client.PostFormAsync("/account/signin", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });

    /// <summary>As the signed-in admin, invites a user and returns their invitation link's path and query.</summary>
    public static async Task<string> InviteAsync(HttpClient admin, string name, string email, string role = "Member", int? consultancyId = null)
    {
        var response = await admin.PostFormAsync("/users/invite", new Dictionary<string, string>
        {
            ["DisplayName"] = name,
            ["Email"] = email,
            ["Role"] = role,
            ["ConsultancyId"] = consultancyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["TimeZoneId"] = "America/Los_Angeles",
        });
        var page = await response.ReadPageAsync();
        var link = page.QuerySelector("[data-testid=invitation-link]")?.TextContent
                   ?? throw new InvalidOperationException("No invitation link: " + page.Body?.TextContent);
        var uri = new Uri(link);
        return uri.PathAndQuery;
    }

    /// <summary>Creates a user through an invitation and returns a client signed in as them.</summary>
    public static async Task<HttpClient> MemberAsync(LeadsApp app, HttpClient admin, string name, string email, string role = "Member", int? consultancyId = null, string password = "a long enough password")
    {
        var invitation = await InviteAsync(admin, name, email, role, consultancyId);
        var client = app.Client();
        var accepted = await client.PostFormAsync(invitation, new Dictionary<string, string> { ["Password"] = password, ["ConfirmPassword"] = password }, "/account/invitation");
        Expect(accepted, HttpStatusCode.Redirect, "/account/signin");
        Expect(await SignInAsync(client, email, password), HttpStatusCode.Redirect, "/");
        return client;
    }

    public static void Expect(HttpResponseMessage response, HttpStatusCode status, string? location = null)
    {
        if (response.StatusCode != status || (location is not null && response.Headers.Location?.OriginalString != location))
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            throw new InvalidOperationException(
                $"Expected {(int)status} {location}, got {(int)response.StatusCode} {response.Headers.Location}: {body[..Math.Min(body.Length, 800)]}");
        }
    }
}
