using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class IdemSubmissionKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Submissions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    SubmitterId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Form = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Result = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Submissions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_CreatedAtUtc",
                table: "Submissions",
                column: "CreatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_SubmitterId_Form_Key",
                table: "Submissions",
                columns: new[] { "SubmitterId", "Form", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Submissions");
        }
    }
}
