using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using PyPyLeads.UseCases;
using PyPyLeads.Web.Infrastructure;

namespace PyPyLeads.Web.Features.Schedule;

public static class FormReading
{
    /// <summary>
    /// True when MVC could not read a field of the form (a number, a date or a choice that is not one): its message is
    /// in ModelState and nothing may be saved. The use case's rules then add their messages, so the page shows every
    /// problem at once, as it would have if the form had been read.
    /// </summary>
    public static async Task<bool> CouldNotReadAsync<TInput>(this Controller controller, TInput input, CancellationToken cancellationToken)
    {
        if (controller.ModelState.IsValid)
        {
            return false;
        }
        var rules = controller.HttpContext.RequestServices.GetRequiredService<IValidator<TInput>>();
        if (await rules.CheckAsync(input, cancellationToken) is { } invalid)
        {
            controller.ModelState.AddErrors(invalid);
        }
        return true;
    }
}
