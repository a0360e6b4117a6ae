namespace PyPyLeads.Schedule;

/// <summary>Which status changes a presentation request and a meeting allow.</summary>
public static class Workflow
{
    public static bool CanMove(PresentationStatus from, PresentationStatus to) => (from, to) switch
    {
        (PresentationStatus.Requested, PresentationStatus.Scheduled) => true,
        (PresentationStatus.Requested, PresentationStatus.Declined) => true,
        (PresentationStatus.Requested, PresentationStatus.Cancelled) => true,
        (PresentationStatus.Scheduled, PresentationStatus.Scheduled) => true, // rescheduled
        (PresentationStatus.Scheduled, PresentationStatus.Delivered) => true,
        (PresentationStatus.Scheduled, PresentationStatus.Cancelled) => true,
        _ => false,
    };

    public static bool CanMove(MeetingStatus from, MeetingStatus to) => (from, to) switch
    {
        (MeetingStatus.Planned, MeetingStatus.Planned) => true, // rescheduled
        (MeetingStatus.Planned, MeetingStatus.Held) => true,
        (MeetingStatus.Planned, MeetingStatus.Cancelled) => true,
        _ => false,
    };
}
