using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// How much a request may send: <see cref="DefaultBytes"/> unless its endpoint says otherwise with
/// <c>[RequestSizeLimit]</c> (the companies CSV upload) or <c>[DisableRequestSizeLimit]</c>. A larger body is answered
/// 413 with the friendly error page (never a 500, nor a form re-shown with its fields lost), and the security log
/// says who sent it. Checked here, once the endpoint is known, rather than left to the server: Kestrel's own limit
/// (30 MB) is for every endpoint alike, and a body cut short while MVC reads a form turns into a 400 or an empty form.
/// </summary>
public static class RequestSizeLimits
{
    /// <summary>
    /// A form's worst case is two 4,000-character fields of non-Latin text, up to 9 bytes a character once
    /// percent-encoded (72 KB); anything the size of this is not typed into a form.
    /// </summary>
    public const long DefaultBytes = 128 * 1024;

    /// <summary>After routing (it reads the endpoint's limit), before authentication and everything that reads a body.</summary>
    public static IApplicationBuilder UseRequestSizeLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // The error page, re-executed for a refused request, carries that request's headers but reads no body.
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null || context.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            await next(context);
            return;
        }
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } metadata ? metadata.MaxRequestBodySize : DefaultBytes;
        if (limit is not { } bytes)
        {
            await next(context);
            return;
        }
        if (context.Request.ContentLength > bytes)
        {
            Refuse(context, bytes);
            return;
        }
        try
        {
            if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
            {
                // A body sent without its length (chunked) is counted as it is read; a form is read here, whole, so
                // that its end is found before MVC reads it (MVC keeps the form read here).
                context.Request.Body = new CountedBody(context.Request.Body, bytes);
                if (context.Request.HasFormContentType)
                {
                    try
                    {
                        await context.Request.ReadFormAsync(context.RequestAborted);
                    }
                    catch (Exception ex) when (ex is InvalidDataException or IOException && ex is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
                    {
                        // Not about its size (a malformed form, a dropped connection): MVC meets it again and answers as before.
                    }
                }
            }
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            Refuse(context, bytes);
        }
    });

    private static void Refuse(HttpContext context, long limit)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(PyPyLeads.UseCases.SecurityLog.Category).LogWarning(
            "Request body too large for {Method} {Path} from {ClientAddress}: {Length} bytes, over the limit of {Limit}",
            context.Request.Method, context.Request.Path.Value, ClientAddress.Of(context), context.Request.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "more", limit);
        // No body: the status code pages show the error page for it.
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
    }

    /// <summary>A request body that refuses to be read past <paramref name="limit"/> bytes, as Kestrel's own limit does.</summary>
    private sealed class CountedBody(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new BadHttpRequestException("The request body is larger than this endpoint accepts.", StatusCodes.Status413PayloadTooLarge) : read;
        }
    }
}
