using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PyPyLeads.AccessTokens;
using PyPyLeads.IntegrationTests.Deals;

namespace PyPyLeads.IntegrationTests.Api;

/// <summary>Tokens and requests for the API tests: a token written as the use case writes it, and JSON sent as a client sends it.</summary>
public static class ApiTokens
{
    /// <summary>A token of <paramref name="userId"/> stored as <see cref="CreateAccessToken"/> stores one (its hash); the secret.</summary>
    public static async Task<string> MakeAsync(DealsWorld world, string userId, AccessTokenScope scope, int days = 30, string name = "Test tool")
    {
        var secret = AccessTokenSecrets.NewSecret();
        var now = world.Clock.GetUtcNow().UtcDateTime;
        await world.DbAsync(db =>
        {
            db.AccessTokens.Add(new AccessToken
            {
                UserId = userId, Name = name, Scope = scope, SecretHash = AccessTokenSecrets.Hash(secret), Prefix = AccessTokenSecrets.PrefixOf(secret),
                CreatedAtUtc = now, ExpiresAtUtc = now.AddDays(days),
            });
            return db.SaveChangesAsync();
        });
        return secret;
    }

    /// <summary>A client of the app with no cookies and the token as its bearer (none: no Authorization).</summary>
    public static HttpClient Client(DealsWorld world, string? secret)
    {
        var client = world.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        return client;
    }

    /// <summary>Sends <paramref name="json"/> (none when null) with the If-Match of <paramref name="ifMatch"/> and the Idempotency-Key given.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? json = null, long? ifMatch = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json as string ?? JsonSerializer.Serialize(json, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");
        }
        if (ifMatch is { } version)
        {
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        }
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object? json, long? ifMatch = null, string? key = null) =>
        SendAsync(client, HttpMethod.Post, url, json, ifMatch, key);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The response's JSON after checking its status, with the body in the message when it is not the one expected.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The version the response's ETag carries.</summary>
    public static long ETag(this HttpResponseMessage response) =>
        long.Parse(response.Headers.ETag?.Tag.Trim('"') ?? throw new InvalidOperationException("No ETag"), System.Globalization.CultureInfo.InvariantCulture);
}
