using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PyPyLeads.Web.Features.Api;

/// <summary>
/// What the generated OpenAPI document cannot know from the endpoints alone: the bearer scheme, the
/// <c>Idempotency-Key</c> and <c>If-Match</c> headers, the conventions in prose, and examples of the requests.
/// </summary>
public sealed class ApiDocument : IOpenApiDocumentTransformer, IOpenApiOperationTransformer, IOpenApiSchemaTransformer
{
    public const string ProblemJson = "application/problem+json";
    private const string Bearer = "bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "PyPyLeads API",
            Version = "v1",
            Description = """
                The JSON API of PyPyLeads: the same rules, validators and permissions as the pages, which it shares.

                * **Authentication:** `Authorization: Bearer <token>`, a personal access token made in Settings, API tokens. A token acts as its
                  user, never more; a read-only token is refused (403) on every change. Cookies do not authenticate the API.
                * **Errors:** RFC 9457 problem details (`application/problem+json`); a refused input answers 400 with `errors`, one entry per
                  field named as in the request.
                * **Concurrency:** reads send `ETag` (the record's version); changes need `If-Match` with it (428 without, 412 when the record
                  changed since, with the record as it stands in `current`).
                * **Idempotency:** every POST takes an `Idempotency-Key` (1-64 letters, digits, `-_.:`). Sent again with the same request it
                  does nothing more and answers as the first time; sent with a different request it is refused with 422. Keys are kept
                  `Submissions:KeepHours` (24 h).
                * **Time and money:** instants are UTC, ISO 8601 (`2011-03-03T02:00:00Z`), with the zone that matters named beside them where
                  one does (`timeZone`, IANA); amounts are decimal strings with their currency (`{"amount": "12000.00", "currency": "EUR"}`).
                * **Paging:** lists answer a page of `items` and a `next` link (absent on the last page).
                * **Limits:** `Api:PermitsPerMinute` requests per token per minute and app instance; beyond it 429 with `Retry-After`.
                """,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = Bearer,
            Description = "A personal access token (pypl_...) from Settings, API tokens.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] }];
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Parameters ??= [];
        if (metadata.OfType<ApiSetup.IdempotentMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeys.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes a repeat of this request do nothing more and answer as the first time (422 when reused with another request).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyKeys.MaxLength, Pattern = "^[A-Za-z0-9._:-]+$" },
                Example = JsonValue.Create("5f0c1a9e-7d43-4a8e-9d1b-2a7c9b1e4f10"),
            });
        }
        if (metadata.OfType<ApiSetup.IfMatchMetadata>().Any())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = true,
                Description = "The record's ETag as you read it: a change made since is not overwritten (412).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = JsonValue.Create("\"3\""),
            });
        }
        var anonymous = metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
        if (anonymous)
        {
            // The public invitation: no token.
            operation.Security = [];
        }
        if (operation.Responses is { } responses)
        {
            foreach (var (status, response) in responses)
            {
                if (response is OpenApiResponse concrete && Descriptions.TryGetValue(status, out var description))
                {
                    concrete.Description = anonymous && status == "429"
                        ? "Too many requests from this address (PublicForm:PermitsPerHour, with the invitation page): wait the seconds in Retry-After"
                        : description;
                }
            }
        }
        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["400"] = "Invalid input: nothing was saved; `errors` names each field with its message",
        ["401"] = "No token, or an unknown, expired or revoked one",
        ["403"] = "Not allowed: a read-only token on a change, or a record of another consultancy (the detail says who may)",
        ["202"] = "Received: the team will be in touch",
        ["404"] = "No such record (or deleted)",
        ["409"] = "Already here: `matches` lists the existing records to use instead",
        ["412"] = "The record changed since the If-Match's ETag: nothing was saved; `current` is the record as it stands",
        ["422"] = "The Idempotency-Key was used with a different request",
        ["428"] = "If-Match is missing",
        ["429"] = "Too many requests with this token: wait the seconds in Retry-After",
    };

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (ApiExamples.For(context.JsonTypeInfo.Type) is { } example)
        {
            schema.Examples = [JsonNode.Parse(example)!];
        }
        return Task.CompletedTask;
    }
}
