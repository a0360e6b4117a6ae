using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PyPyLeads.Data;
using PyPyLeads.Submissions;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Api;

/// <summary>RFC 9457 problem details: every refusal of the API answers with one.</summary>
public static class ApiProblems
{
    public static Task WriteAsync(HttpContext http, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        http.Response.StatusCode = status;
        return Problem(status, title, detail, extensions).ExecuteAsync(http);
    }

    public static IResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    /// <summary>
    /// The answer to a use case's refusal: <see cref="Invalid"/> 400 with the field errors (named as the request's
    /// fields), <see cref="DuplicatesFound{T}"/> 409 with the matches, <see cref="Conflict{T}"/> 412 with the record as
    /// it stands (the request's <c>If-Match</c> is stale), <see cref="NotFound"/> 404, <see cref="NotAllowed"/> 403.
    /// </summary>
    public static IResult For(Outcome outcome) => outcome switch
    {
        Invalid invalid => TypedResults.ValidationProblem(
            invalid.Errors.GroupBy(e => FieldName(e.Field)).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: "Nothing was saved: correct the fields named in errors.", title: "The request has invalid fields"),
        NotFound notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
        NotAllowed notAllowed => Problem(StatusCodes.Status403Forbidden, "Not allowed", notAllowed.Message),
        _ when Duplicates(outcome) is { } duplicates => Problem(StatusCodes.Status409Conflict, "Already here", duplicates.Message,
            new Dictionary<string, object?> { ["field"] = FieldName(duplicates.Field), ["matches"] = duplicates.Matches }),
        _ when Stale(outcome) is { } stale => Problem(StatusCodes.Status412PreconditionFailed, "Changed since you read it", stale.Message,
            new Dictionary<string, object?> { ["current"] = stale.Current }),
        _ => throw new InvalidOperationException($"The API does not map {outcome.GetType().Name}."),
    };

    /// <summary>A use case's field name (<c>FollowUp.DueLocal</c>) as the JSON request names it (<c>followUp.dueLocal</c>).</summary>
    public static string FieldName(string field) =>
        string.Join('.', field.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));

    private static (string Field, string Message, object Matches)? Duplicates(Outcome outcome)
    {
        var type = outcome.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(DuplicatesFound<>)
            ? ((string)type.GetProperty("Field")!.GetValue(outcome)!, (string)type.GetProperty("Message")!.GetValue(outcome)!, type.GetProperty("Matches")!.GetValue(outcome)!)
            : null;
    }

    private static (string Message, object Current)? Stale(Outcome outcome)
    {
        var type = outcome.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Conflict<>)
            ? ((string)type.GetProperty("Message")!.GetValue(outcome)!, type.GetProperty("Current")!.GetValue(outcome)!)
            : null;
    }
}

/// <summary>
/// Entity tags from the records' versions (the number every edit form posts back): <c>ETag: "7"</c> on a read, and
/// <c>If-Match: "7"</c> required on a change, so a client that did not see the latest change cannot overwrite it.
/// </summary>
public static class ETags
{
    public static string Of(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = Of(version);

    /// <summary>The version named by the request's <c>If-Match</c>; a refusal (428 without one, 400 unreadable) otherwise.</summary>
    public static (long Version, IResult? Refusal) Expected(HttpRequest request)
    {
        string? header = request.Headers.IfMatch;
        if (string.IsNullOrWhiteSpace(header))
        {
            return (0, ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, "If-Match required",
                "Send If-Match with the ETag of the record as you read it, so that a change made since is not overwritten."));
        }
        var tag = header.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal))
        {
            tag = tag[2..];
        }
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (version, null)
            : (0, ApiProblems.Problem(StatusCodes.Status400BadRequest, "Unreadable If-Match", "If-Match must be one ETag as the API sent it, such as \"3\"."));
    }
}

/// <summary>
/// <c>Idempotency-Key</c> on a POST: the same key with the same request answers as the first time and does nothing
/// more; the same key with a different request (another body or another endpoint) is refused with 422. The key is
/// the forms' one-time submission key (<see cref="SubmissionStore"/>), with a fingerprint of the request appended, so a
/// create use case claims it in its own transaction; keys live for <c>Submissions:KeepHours</c>.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 64;

    /// <summary>
    /// The submission key to hand the use case (null without the header: a fresh request), or a refusal: 400 for a
    /// key of the wrong shape, 422 when the key was used with another request.
    /// </summary>
    public static async Task<(string? Key, IResult? Refusal)> ReadAsync(HttpContext http, object? body, CancellationToken cancellationToken)
    {
        string? key = http.Request.Headers[Header];
        if (key is null)
        {
            return (null, null);
        }
        if (key.Length is 0 or > MaxLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "Unusable Idempotency-Key",
                $"An Idempotency-Key is 1 to {MaxLength} letters, digits, '-', '_', '.' or ':' (a UUID does)."));
        }
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var request = http.Request.Method + " " + http.Request.Path.Value + "\n" + JsonSerializer.Serialize(body, options);
        var keyed = key + "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request)))[..16];
        // A visitor without a token (the public invitation endpoint) keys as the public page's visitors do.
        var submitter = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? Submission.Anonymous;
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var prefix = key + "#";
        if (await db.Submissions.AsNoTracking().AnyAsync(r => r.SubmitterId == submitter && r.Key.StartsWith(prefix) && r.Key != keyed, cancellationToken))
        {
            return (null, ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key already used",
                "This Idempotency-Key was used with a different request. Use a new key for a new request."));
        }
        return (keyed, null);
    }

    /// <summary>
    /// Runs a change that is not a create (a transition, an edit) once per key: a repeat answers with the first
    /// answer. The change commits first and its answer is recorded just after (the use case owns its transaction);
    /// a repeat arriving between the two finds the record's version moved on and is refused with 412, never applied twice.
    /// </summary>
    public static Task<Outcome> OnceAsync<T>(this SubmissionStore submissions, Caller caller, string operation, string? key, Func<Task<Outcome>> run,
        CancellationToken cancellationToken)
    {
        var once = Submission.By(caller, "api:" + operation, key);
        return submissions.OnceAsync<T>(once, async () =>
        {
            var outcome = await run();
            return outcome is Done<T> && once is not null
                ? await submissions.InTransactionAsync<T>(once, _ => Task.FromResult(outcome), cancellationToken)
                : outcome;
        }, cancellationToken);
    }
}

/// <summary>Cursors of the API's keyset-paged lists: opaque to clients, a sort key and an id inside.</summary>
public static class ApiCursors
{
    public static string Encode(long id) => WebEncoders.Base64UrlEncode(BitConverter.GetBytes(id));

    public static long? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 20)
        {
            return null;
        }
        try
        {
            var bytes = WebEncoders.Base64UrlDecode(cursor);
            return bytes.Length == 8 ? BitConverter.ToInt64(bytes) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The same request's address with <c>after</c> set to <paramref name="cursor"/>: the list's <c>next</c> link.</summary>
    public static string Next(HttpRequest request, string cursor)
    {
        var query = request.Query.Where(q => q.Key != "after").SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("after", cursor));
        return QueryHelpers.AddQueryString(request.PathBase + request.Path, query);
    }
}

/// <summary>What every API request goes through: problem details for every refusal, the request's one connection, a full disk answered as 503.</summary>
public static class ApiPipeline
{
    public static IApplicationBuilder UseApiConventions(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ApiSetup.Root), branch => branch.Use(async (context, next) =>
        {
            // The app's HTML error pages are for browsers: an API client gets problem details (below) instead.
            if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }
            var db = context.RequestServices.GetRequiredService<LeadsDbContext>();
            try
            {
                // As OneConnectionPerRequest does for the pages: one open for the request's queries, not one per query.
                await db.Database.OpenConnectionAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiPipeline)).LogWarning(ex, "The database connection could not be opened");
            }
            try
            {
                await next(context);
            }
            catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiPipeline));
                if (DbErrors.IsStorageFull(ex))
                {
                    logger.LogCritical(ex, "A write to {Path} was refused: the database or its disk is full. Free space, or raise the database's limit", context.Request.Path);
                    context.Response.Headers.RetryAfter = "300";
                    await ApiProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Infrastructure.StorageFullFilter.Title,
                        "Nothing was saved: the server has run out of room for data. Everything saved before is safe; try again later.");
                    return;
                }
                logger.LogError(ex, "The API failed on {Method} {Path}", context.Request.Method, context.Request.Path);
                await ApiProblems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Server error",
                    "Something went wrong on the server; nothing half-done was saved. Try again, and tell an admin if it persists.");
                return;
            }
            var status = context.Response.StatusCode;
            if (status >= 400 && !context.Response.HasStarted && context.Response.ContentLength is null && string.IsNullOrEmpty(context.Response.ContentType))
            {
                await ApiProblems.WriteAsync(context, status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), status switch
                {
                    StatusCodes.Status404NotFound => "There is no such address in the API (see /openapi/v1.json).",
                    StatusCodes.Status405MethodNotAllowed => "This address does not answer that method.",
                    StatusCodes.Status429TooManyRequests => "Too many requests with this token: wait the seconds Retry-After says.",
                    StatusCodes.Status400BadRequest => "The request could not be read: check the JSON body and the parameters' types.",
                    StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                    _ => "The request was refused.",
                });
            }
        }));
}

/// <summary>The steps every change to an existing record takes: If-Match, the Idempotency-Key, the caller, the use case once, the answer.</summary>
public static class ApiChanges
{
    /// <summary>
    /// Runs <paramref name="run"/> (given the caller and the If-Match version) once per Idempotency-Key, and answers
    /// with <paramref name="answer"/> when it is done; a refusal as <see cref="ApiProblems.For"/> maps it, or as
    /// <paramref name="refused"/> does first (null: the usual mapping).
    /// </summary>
    public static async Task<IResult> RunAsync<T>(HttpContext http, object? body, string operation, Func<Caller, long, Task<Outcome>> run,
        Func<T, Task<IResult>> answer, Func<Outcome, long, IResult?>? refused = null)
    {
        var cancellationToken = http.RequestAborted;
        var (version, noMatch) = ETags.Expected(http.Request);
        if (noMatch is not null)
        {
            return noMatch;
        }
        string? key = null;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            (key, var refusal) = await IdempotencyKeys.ReadAsync(http, body, cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }
        }
        var db = http.RequestServices.GetRequiredService<LeadsDbContext>();
        var caller = await http.User.CallerAsync(db, cancellationToken);
        var submissions = http.RequestServices.GetRequiredService<SubmissionStore>();
        var outcome = await submissions.OnceAsync<T>(caller, operation, key, () => run(caller, version), cancellationToken);
        return outcome is Done<T> done ? await answer(done.Value) : refused?.Invoke(outcome, version) ?? ApiProblems.For(outcome);
    }
}
