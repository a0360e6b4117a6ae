using PyPyLeads.Schedule;
using PyPyLeads.UseCases;

namespace PyPyLeads.Intake;

/// <summary>
/// Turn a triage message into a presentation request (<see cref="RequestPresentation"/>, with its rules: the company
/// the duplicate rules find, or a new one), then file the message on that company (<see cref="AttachMail"/>).
/// Returns <see cref="Done{T}"/> of <see cref="Turned"/>, or what the step that refused returned.
/// </summary>
public sealed class MailToPresentationRequest(RequestPresentation requestPresentation, AttachMail attachMail)
{
    public sealed record Turned(int RequestId, int CompanyId, string Message);

    public async Task<Outcome> RunAsync(long messageId, long version, RequestPresentation.Input request, Caller caller, CancellationToken cancellationToken)
    {
        var requested = await requestPresentation.RunAsync(request, caller, cancellationToken);
        if (requested is not Done<RequestPresentation.Requested> done)
        {
            return requested;
        }
        var attached = await attachMail.RunAsync(new AttachMail.Input(messageId, done.Value.CompanyId, version), caller, cancellationToken);
        return attached is Done<AttachMail.Attached>
            ? new Done<Turned>(new(done.Value.Id, done.Value.CompanyId, $"Presentation requested by {request.ContactName?.Trim()}; the message is on the company’s timeline."))
            : attached;
    }
}
